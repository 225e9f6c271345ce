/**
 * A stand-in EVM node that mines: it accepts every raw transaction (answering its keccak
 * hash, as a node does), and every `blockMs` puts everything it accepted into a block, which
 * it serves by number with its transaction hashes. Chain id, fees, balance and nonces are
 * fixed, valid replies. Enough for the inclusion tracker to follow every transaction to a
 * block, so a benchmark can measure what following costs; nothing is executed or checked.
 * `stub_calls` answers how many calls of each method it has served (a benchmark reads how
 * often the tracker asked about accounts this way).
 *
 *   node bench/lib/mining-stub.mjs <dist dir> <port> [blockMs]   → prints "ready" when listening
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, portText, blockMsText = '200'] = process.argv.slice(2);
// The build's own keccak (the one the worker signs with).
const { keccak256Hex } = await import(pathToFileURL(join(dist, 'src', 'chain', 'encoding', 'keccak.js')).href);
const blockMs = Number(blockMsText);
/**
 * Blocks served, and the transactions they hold answered, for the last minute only: no worker
 * of a benchmark asks about older ones (a run lasts seconds), and a stub that kept every hash
 * grew by millions of them over a benchmark (777 MB after 16 minutes) and slowed down as its
 * heap grew, so later rounds waited on the stub, not on the worker measured.
 */
const KEEP_BLOCKS = Math.ceil(60_000 / blockMs);
/** Each block's transaction hashes by number; undefined once forgotten. */
const blocks = [[]];
let pool = [];
/** hash → block number, for the transactions mined in the blocks kept. */
const minedIn = new Map();
setInterval(() => {
  for (const hash of pool) minedIn.set(hash, blocks.length);
  blocks.push(pool);
  pool = [];
  const old = blocks.length - 1 - KEEP_BLOCKS;
  if (old >= 0 && blocks[old] !== undefined) {
    for (const hash of blocks[old]) minedIn.delete(hash);
    blocks[old] = undefined;
  }
}, blockMs).unref();

const FIXED = {
  eth_chainId: '0x7a69',
  eth_maxPriorityFeePerGas: '0x3b9aca00',
  eth_gasPrice: '0x77359400',
  eth_getBalance: '0x3635c9adc5dea00000',
  eth_getTransactionCount: '0x0',
};

/** Calls served, by method. */
const calls = {};

function answer(method, params) {
  calls[method] = (calls[method] ?? 0) + 1;
  if (method in FIXED) return FIXED[method];
  switch (method) {
    case 'eth_blockNumber':
      return `0x${(blocks.length - 1).toString(16)}`;
    case 'eth_getBlockByNumber': {
      const n = params[0] === 'latest' || params[0] === 'pending' ? blocks.length - 1 : Number(params[0]);
      const txs = blocks[n];
      return txs === undefined
        ? null
        : { number: `0x${n.toString(16)}`, baseFeePerGas: '0x3b9aca00', gasUsed: '0x0', gasLimit: '0x1c9c380', transactions: txs };
    }
    case 'eth_sendRawTransaction': {
      const hash = keccak256Hex(Buffer.from(params[0].slice(2), 'hex'));
      pool.push(hash);
      return hash;
    }
    case 'eth_getTransactionByHash': {
      const n = minedIn.get(params[0]);
      if (n !== undefined) return { hash: params[0], blockNumber: `0x${n.toString(16)}` };
      return pool.includes(params[0]) ? { hash: params[0], blockNumber: null } : null;
    }
    case 'stub_calls':
      return calls;
    default:
      return undefined;
  }
}

function reply({ id, method, params }) {
  const result = answer(method, params ?? []);
  return result === undefined
    ? `{"jsonrpc":"2.0","id":${id},"error":{"code":-32601,"message":"method not found"}}`
    : `{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(result)}}`;
}

const server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    // Batches too, as real nodes take them (the tracker asks about a backlog in one).
    const body = Array.isArray(parsed) ? `[${parsed.map(reply).join(',')}]` : reply(parsed);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(portText), '127.0.0.1', () => process.stdout.write('ready\n'));

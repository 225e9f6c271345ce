/**
 * A stand-in EVM node that mines: it accepts every raw transaction (answering its keccak
 * hash, as a node does), and every `blockMs` puts everything it accepted into a block, which
 * it serves by number with its transaction hashes. Chain id, fees, balance and nonces are
 * fixed, valid replies, except an account's nonce count, which is true for the transactions
 * asked about (below). Enough for the inclusion tracker to follow every transaction to a
 * block, so a benchmark can measure what following costs; nothing is executed or checked.
 * `stub_calls` answers how many calls of each method it has served (a benchmark reads how
 * often the tracker asked about accounts this way).
 *
 *   node bench/lib/mining-stub.mjs <dist dir> <port> [blockMs]   → prints "ready" when listening
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { computeAddress, getBytes, hexlify, Transaction } from 'ethers';
import secp256k1 from 'secp256k1';

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
/**
 * The signed bytes of the pool's transactions and of the last RAW_KEEP_BLOCKS blocks', by hash:
 * a transaction asked about is decoded from them (the tracker asks only about recent ones).
 */
const RAW_KEEP_BLOCKS = Math.ceil(5_000 / blockMs);
const rawOf = new Map();
setInterval(() => {
  for (const hash of pool) minedIn.set(hash, blocks.length);
  blocks.push(pool);
  pool = [];
  const old = blocks.length - 1 - KEEP_BLOCKS;
  if (old >= 0 && blocks[old] !== undefined) {
    for (const hash of blocks[old]) minedIn.delete(hash);
    blocks[old] = undefined;
  }
  const unkept = blocks[blocks.length - 1 - RAW_KEEP_BLOCKS];
  if (unkept !== undefined) for (const hash of unkept) rawOf.delete(hash);
}, blockMs).unref();

/**
 * Sender and nonce of each transaction asked about, recovered from its signature when first
 * asked (ethers decodes, the native secp256k1 recovers: about 0.3 ms each, so only these, not
 * every transaction; ethers alone took 2.3 ms, and a burst of checks stalled the stub), and
 * those hashes by sender. An account's count is read off them (transactionCount).
 * It was a fixed 0 until 2026-12-05, which no node answers for an account whose transactions it
 * mined: the tracker's first check of a transaction still in the pool (one sent just after a block
 * was built, before the worker saw it) then read as a nonce gap below it, and the heal that
 * followed sent dozens of the account's nonces again (4,390 such sends in one run in turns, and
 * half of all sends in another took the tracker's path for a send below the account's newest):
 * work the stub's answer made, not the chain, and only in the tracked worker.
 */
const askedTx = new Map();
const askedBy = new Map();

function learn(hash) {
  if (askedTx.has(hash) || !rawOf.has(hash)) return;
  const tx = Transaction.from(rawOf.get(hash));
  const { r, s, yParity } = tx.signature;
  const key = secp256k1.ecdsaRecover(getBytes(r + s.slice(2)), yParity, getBytes(tx.unsignedHash), false);
  const from = computeAddress(hexlify(key)).toLowerCase();
  askedTx.set(hash, { nonce: tx.nonce });
  if (!askedBy.has(from)) askedBy.set(from, new Set());
  askedBy.get(from).add(hash);
}

/**
 * The account's count as a node would give it, from the transactions of it asked about: this
 * stub mines everything it accepted at each block, in order, and an account sends one
 * transaction at a time, so all below the lowest one still pooled are mined ("latest"), and
 * "pending" counts the pooled ones too. 0 for an account none of whose transactions was asked
 * about (every account's start, in a benchmark).
 */
function transactionCount(address, tag) {
  let lowestPooled = Infinity;
  let highest = -1;
  for (const hash of askedBy.get(String(address).toLowerCase()) ?? []) {
    const { nonce } = askedTx.get(hash);
    highest = Math.max(highest, nonce);
    if (rawOf.has(hash) && !minedIn.has(hash)) lowestPooled = Math.min(lowestPooled, nonce);
  }
  return tag === 'pending' || lowestPooled === Infinity ? highest + 1 : lowestPooled;
}

const FIXED = {
  eth_chainId: '0x7a69',
  eth_maxPriorityFeePerGas: '0x3b9aca00',
  eth_gasPrice: '0x77359400',
  eth_getBalance: '0x3635c9adc5dea00000',
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
      rawOf.set(hash, params[0]);
      return hash;
    }
    case 'eth_getTransactionCount':
      return `0x${transactionCount(params[0], params[1]).toString(16)}`;
    case 'eth_getTransactionByHash': {
      learn(params[0]);
      const n = minedIn.get(params[0]);
      if (n !== undefined) return { hash: params[0], blockNumber: `0x${n.toString(16)}` };
      return rawOf.has(params[0]) ? { hash: params[0], blockNumber: null } : null;
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

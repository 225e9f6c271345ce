/**
 * A scripted Kaia node for unit tests of the Kaia test cases: it answers what setup reads
 * (chain id, fees, balances, nonces, estimates), accepts every raw transaction on the send
 * method with its keccak hash, and keeps account key types as AccountUpdates set them.
 * `kaia: false` makes it an Ethereum node that knows no kaia_/klay_ methods; `keysPending`
 * leaves AccountUpdates in the "pool": the chain keeps answering the old key type.
 *
 * It is a chain too: every head read (`<ns>_blockNumber`) mines a block (empty or holding
 * what the pool can give), and blocks, transactions by hash and nonces answer as a node's would, so the
 * inclusion tracker follows it like any other. `dropNext(n)` makes the node forget the next n
 * transactions it accepts (as a pool evicting them), for drop tests. With `nonces: true` it
 * keeps nonces as a node does: a block takes each sender's transactions only in nonce order
 * from its mined count, so a forgotten one leaves the later ones queued behind the gap;
 * without, every account always reports FAKE_START_NONCE. In that mode a Cancel replaces what
 * its sender has pending at its nonce (Kaia's pool rule), and any other transaction at a taken
 * nonce is refused. It also answers `<ns>_getAccount` (every address a funded EOA) and
 * `<ns>_getBlockWithConsensusInfoByNumber` (one validator, FAKE_PROPOSER), takes legacy
 * transactions on every send method, and asks `handlers` first (the modules of
 * fake-kaia-modules.ts: KIP-247 gasless, KIP-249 auction).
 */
import { keccak256, Transaction } from 'ethers';

import { kaiaTxTypeInfo } from '../../src/chain/kaia/tx-types.js';
import { type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from './fake-rpc-server.js';
import { decodeKaiaTx } from './kaia-tx-decode.js';

export const FAKE_CHAIN_ID = 1001n;
/** kaia_gasPrice / klay_gasPrice. */
export const FAKE_KAIA_GAS_PRICE = 27_500_000_000n;
/** eth_gasPrice, deliberately different so a test sees which one a transaction carries. */
export const FAKE_ETH_GAS_PRICE = 50_000_000_000n;
export const FAKE_BASE_FEE = 25_000_000_000n;
/** Every account's pending nonce before the test sends anything. */
export const FAKE_START_NONCE = 5;
/** kaia_estimateGas of a deployment, and of a call. */
export const FAKE_DEPLOY_ESTIMATE = 125_000n;
export const FAKE_CALL_ESTIMATE = 50_000n;
/** The one validator of kaia_getBlockWithConsensusInfoByNumber's committee. */
export const FAKE_PROPOSER = '0x0000000000000000000000000000000000000abc';

export interface FakeKaiaNode {
  readonly url: string;
  readonly requests: RpcRequest[];
  /** Raw transactions received on `<ns>_sendRawTransaction`, in order. */
  sent(namespace?: string): string[];
  /** Key type per lower-case address, as kaia_getAccountKey answers (1 when absent). */
  readonly keyTypes: Map<string, number>;
  /** Status every receipt reports (default 0x1). */
  receiptStatus: string;
  /** Hashes of every mined transaction, in block order. */
  mined(): string[];
  /** The latest block's number (reading it mines nothing). */
  head(): number;
  /** The next n accepted transactions are forgotten instead of mined. */
  dropNext(n: number): void;
  /**
   * 'held': head reads mine nothing (the pool keeps what it gets); 'each-send': a block is
   * mined right after every accepted transaction, as a node with instant blocks would;
   * 'on-read' (the default): every head read mines a block.
   */
  mining: 'on-read' | 'held' | 'each-send';
  /** Decodes and takes AccountCreation (0x18), which no Kaia build does (default false: "undefined tx type"). */
  accountCreation: boolean;
  /** Asked first about every request (a module the node runs, see fake-kaia-modules.ts); undefined passes it on. */
  readonly handlers: ((req: RpcRequest) => FakeAnswer | undefined)[];
  close(): Promise<void>;
}

export type FakeAnswer = { result: unknown } | { error: { code: number; message: string } };

const hex = (n: bigint | number) => `0x${n.toString(16)}`;

/** A legacy (type 0) transaction's sender and nonce: an RLP list, first byte 0xc0 or more. */
function legacySender(raw: string): { from: string; nonce: number } | null {
  if (Number.parseInt(raw.slice(2, 4), 16) < 0xc0) return null;
  const tx = Transaction.from(raw);
  return { from: tx.from!.toLowerCase(), nonce: tx.nonce };
}

export async function startFakeKaiaNode(options: { kaia?: boolean; keysPending?: boolean; nonces?: boolean } = {}): Promise<FakeKaiaNode> {
  const { kaia = true, keysPending = false, nonces = false } = options;
  const keyTypes = new Map<string, number>();
  const node: Pick<FakeKaiaNode, 'receiptStatus' | 'mining' | 'accountCreation'> = { receiptStatus: '0x1', mining: 'on-read', accountCreation: false };
  const UNDEFINED_TX_TYPE = { error: { code: -32000, message: 'undefined tx type' } };
  const handlers: FakeKaiaNode['handlers'] = [];
  /** A legacy transaction on any send method, as Kaia takes it on each. */
  const acceptLegacy = (raw: string): FakeAnswer | undefined => {
    const legacy = legacySender(raw);
    return legacy === null ? undefined : accept(keccak256(raw), nonces ? legacy.from : null, legacy.nonce);
  };
  // The chain: blocks of hashes from START_HEIGHT on; the pool; each tx's sender and nonce.
  const START_HEIGHT = 0x10;
  const blocks: string[][] = [[]];
  interface Pooled {
    hash: string;
    /** Lower-case sender and nonce; null where nonces are not kept. */
    from: string | null;
    nonce: number;
  }
  let pool: Pooled[] = [];
  let dropping = 0;
  const minedIn = new Map<string, number>();
  /** Mined transactions per sender (nonces mode). */
  const latest = new Map<string, number>();
  const nonceOf = (from: string) => latest.get(from) ?? FAKE_START_NONCE;
  const head = () => START_HEIGHT + blocks.length - 1;
  const accept = (hash: string, from: string | null, nonce: number, cancel = false): { result: string } | { error: { code: number; message: string } } => {
    if (from !== null && nonce < nonceOf(from)) return { error: { code: -32000, message: 'nonce too low' } };
    const taken = from === null ? undefined : pool.find((p) => p.from === from && p.nonce === nonce && p.hash !== hash);
    if (taken !== undefined) {
      // Kaia's pool: a Cancel replaces what the sender has pending at its nonce, whatever its price.
      if (!cancel) return { error: { code: -32000, message: 'there is another tx which has the same nonce in the tx pool' } };
      pool = pool.filter((p) => p !== taken);
    }
    if (dropping > 0) dropping -= 1;
    else if (!minedIn.has(hash) && !pool.some((p) => p.hash === hash)) pool.push({ hash, from, nonce });
    if (node.mining === 'each-send') mine();
    return { result: hash };
  };
  const mine = (): void => {
    const taken: string[] = [];
    const rest: Pooled[] = [];
    for (const tx of [...pool].sort((a, b) => a.nonce - b.nonce)) {
      if (tx.from === null) taken.push(tx.hash);
      else if (tx.nonce === nonceOf(tx.from)) {
        latest.set(tx.from, tx.nonce + 1);
        taken.push(tx.hash);
      } else rest.push(tx);
    }
    pool = rest;
    for (const hash of taken) minedIn.set(hash, START_HEIGHT + blocks.length);
    blocks.push(taken);
  };
  const block = (tag: unknown) => {
    const n = tag === 'latest' ? head() : Number(tag);
    if (!(n >= 0 && n <= head())) return null;
    // The blocks before the test's first are empty.
    const transactions = n < START_HEIGHT ? [] : blocks[n - START_HEIGHT];
    return { number: hex(n), baseFeePerGas: hex(FAKE_BASE_FEE), gasUsed: '0x0', gasLimit: hex(30_000_000), transactions };
  };
  const txByHash = (hash: unknown) => {
    const h = String(hash).toLowerCase();
    if (minedIn.has(h)) return { hash: h, blockNumber: hex(minedIn.get(h)!) };
    return pool.some((p) => p.hash === h) ? { hash: h, blockNumber: null } : null;
  };
  const answer = (req: RpcRequest): FakeAnswer => {
    for (const handler of handlers) {
      const handled = handler(req);
      if (handled !== undefined) return handled;
    }
    const params = (req.params ?? []) as unknown[];
    const [ns, name] = req.method.split('_') as [string, string];
    // The chain reads answer in every namespace the node speaks.
    if (ns === 'eth' || (kaia && (ns === 'kaia' || ns === 'klay'))) {
      switch (name) {
        case 'blockNumber':
          if (node.mining === 'on-read') mine();
          return { result: hex(head()) };
        case 'getBlockByNumber':
          return { result: block(params[0]) };
        case 'getTransactionByHash':
          return { result: txByHash(params[0]) };
        case 'getTransactionCount': {
          if (!nonces) return { result: hex(FAKE_START_NONCE) };
          const from = String(params[0]).toLowerCase();
          let n = nonceOf(from);
          if (params[1] === 'pending') while (pool.some((p) => p.from === from && p.nonce === n)) n++;
          return { result: hex(n) };
        }
      }
    }
    if (ns === 'eth') {
      switch (name) {
        case 'chainId':
          return { result: hex(FAKE_CHAIN_ID) };
        case 'getBlockByNumber':
          // Setup reads the latest base fee this way.
          return { result: block(params[0]) };
        case 'gasPrice':
          return { result: hex(FAKE_ETH_GAS_PRICE) };
        case 'maxPriorityFeePerGas':
          return { result: '0x0' };
        case 'getBalance':
          return { result: hex(10n ** 20n) };
        case 'sendRawTransaction':
          return acceptLegacy(params[0] as string) ?? { error: { code: -32000, message: 'the scripted node takes only legacy transactions on eth_' } };
        case 'getTransactionReceipt': {
          const at = minedIn.get(String(params[0]).toLowerCase());
          return {
            result: at === undefined ? null : { status: node.receiptStatus, blockNumber: hex(at), gasUsed: '0x5208', transactionHash: params[0], logs: [] },
          };
        }
      }
    }
    if (kaia && (ns === 'kaia' || ns === 'klay')) {
      switch (name) {
        case 'chainID':
          return { result: hex(FAKE_CHAIN_ID) };
        case 'gasPrice':
          return { result: hex(FAKE_KAIA_GAS_PRICE) };
        case 'estimateGas':
          return { result: hex((params[0] as { to?: string }).to === undefined ? FAKE_DEPLOY_ESTIMATE : FAKE_CALL_ESTIMATE) };
        case 'sendRawTransaction': {
          const raw = params[0] as string;
          // An Ethereum typed transaction in Kaia's 0x78 envelope is accepted as it is.
          if (raw.startsWith('0x78')) return accept(keccak256(raw), null, 0);
          const legacy = acceptLegacy(raw);
          if (legacy !== undefined) return legacy;
          const { fields } = decodeKaiaTx(raw);
          if (fields.type === 0x18 && !node.accountCreation) return UNDEFINED_TX_TYPE;
          if (kaiaTxTypeInfo(fields.type).family === 'accountUpdate' && !keysPending)
            keyTypes.set(fields.from.toLowerCase(), Number.parseInt(fields.key!.slice(2, 4), 16));
          const cancel = kaiaTxTypeInfo(fields.type).family === 'cancel';
          return accept(keccak256(raw), nonces ? fields.from.toLowerCase() : null, Number(fields.nonce), cancel);
        }
        case 'recoverFromTransaction': {
          const raw = params[0] as string;
          if (raw.startsWith('0x18') && !node.accountCreation) return UNDEFINED_TX_TYPE;
          return { result: decodeKaiaTx(raw).signer.toLowerCase() };
        }
        case 'getAccountKey':
          return { result: { keyType: keyTypes.get(String(params[0]).toLowerCase()) ?? 1, key: {} } };
        case 'getAccount': {
          // Every address is a funded EOA here (as eth_getBalance says), with its key type.
          const keyType = keyTypes.get(String(params[0]).toLowerCase()) ?? 1;
          return { result: { accType: 1, account: { nonce: FAKE_START_NONCE, balance: hex(10n ** 20n), humanReadable: false, key: { keyType, key: {} } } } };
        }
        case 'getBlockWithConsensusInfoByNumber': {
          const found = block(params[0]);
          if (found === null) return { error: { code: -32000, message: `the block does not exist (block number: ${Number(params[0])})` } };
          const genesis = found.number === '0x0';
          return { result: { ...found, committee: genesis ? null : [FAKE_PROPOSER], proposer: genesis ? null : FAKE_PROPOSER, round: 0 } };
        }
        case 'getTransactionReceipt':
          return { result: { status: node.receiptStatus, blockNumber: '0x11', gasUsed: '0x5208', transactionHash: params[0] } };
      }
    }
    return { error: { code: -32601, message: `the method ${req.method} does not exist/is not available` } };
  };
  const server: FakeRpcServer = await startFakeRpcServer((req, res) => {
    replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, ...answer(req) }));
  });
  return Object.assign(node, {
    handlers,
    url: server.url,
    requests: server.requests,
    keyTypes,
    mined: () => blocks.flat(),
    head,
    dropNext: (n: number) => {
      dropping += n;
    },
    sent: (namespace = 'kaia') => server.requests.filter((r) => r.method === `${namespace}_sendRawTransaction`).map((r) => (r.params as string[])[0]!),
    close: () => server.close(),
  });
}

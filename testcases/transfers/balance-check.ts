/**
 * Did a mined transfer move exactly what it should? The sender's and the recipient's
 * balances are compared between the block before the receipt's block and that block.
 * Other users may touch the same accounts in the same block, so when the deltas differ
 * from this one transfer, every transaction of that block involving either account is
 * accounted for before calling it a failure. (Value moved by contract internals is not
 * visible this way; the test accounts only send plain transfers here.)
 */
import { parseQuantity, toQuantity } from '../../src/chain/quantity.js';
import { isReceipt, type Receipt } from '../../src/chain/receipt-wait.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';

export interface TransferToCheck {
  readonly from: string;
  readonly to: string;
  /** wei */
  readonly value: bigint;
  readonly receipt: Receipt;
}

/** The namespaced read methods the check uses. */
export interface CheckMethods {
  getBalance: string;
  getBlockByNumber: string;
  getTransactionReceipt: string;
  /** Optional speed-up; any failure falls back to one receipt read per transaction. */
  getBlockReceipts: string;
}

/** Returns why the check failed, or undefined when both balances moved as they must. */
export async function checkTransferBalances(rpc: JsonRpcClient, methods: CheckMethods, transfer: TransferToCheck): Promise<string | undefined> {
  const { receipt } = transfer;
  if (receipt.status !== undefined && receipt.status !== '0x1') return `transaction failed on chain (status ${receipt.status})`;
  const block = parseQuantity(receipt.blockNumber, 'receipt blockNumber');
  const from = transfer.from.toLowerCase();
  const to = transfer.to.toLowerCase();
  const [fromBefore, fromAfter, toBefore, toAfter] = await Promise.all([
    balanceAt(rpc, methods, from, block - 1n),
    balanceAt(rpc, methods, from, block),
    balanceAt(rpc, methods, to, block - 1n),
    balanceAt(rpc, methods, to, block),
  ]);
  const actual = deltas(from, to, fromAfter - fromBefore, toAfter - toBefore);
  const own = effect(from, to, { from, to, value: transfer.value, ok: true, fee: feeOf(receipt) });
  if (same(actual, own)) return undefined;
  // Someone else touched these accounts in the same block: add up the whole block for them.
  const expected = await blockEffect(rpc, methods, block, from, to, receipt.transactionHash.toLowerCase());
  expected.from += own.from;
  expected.to += own.to;
  if (same(actual, expected)) return undefined;
  return actual.from !== expected.from
    ? 'balance check failed: the sender balance did not change as expected'
    : 'balance check failed: the recipient balance did not change as expected';
}

interface Deltas {
  from: bigint;
  to: bigint;
}

interface Movement {
  from: string;
  to: string | null;
  value: bigint;
  /** Value moves only if the transaction succeeded; the fee is paid either way. */
  ok: boolean;
  fee: bigint;
}

function deltas(from: string, to: string, fromDelta: bigint, toDelta: bigint): Deltas {
  // When sender and recipient are one account, both deltas are that account's.
  return from === to ? { from: fromDelta, to: fromDelta } : { from: fromDelta, to: toDelta };
}

function same(a: Deltas, b: Deltas): boolean {
  return a.from === b.from && a.to === b.to;
}

/** What one transaction does to the two accounts' balances. */
function effect(from: string, to: string, m: Movement): Deltas {
  const change = (account: string): bigint => {
    let d = 0n;
    if (m.from === account) d -= m.fee + (m.ok ? m.value : 0n);
    if (m.to === account && m.ok) d += m.value;
    return d;
  };
  return { from: change(from), to: change(to) };
}

function feeOf(receipt: Receipt): bigint {
  const price = receipt.effectiveGasPrice ?? receipt.gasPrice;
  if (price === undefined) throw new Error('the receipt has no effectiveGasPrice, so the fee is unknown');
  return parseQuantity(receipt.gasUsed, 'receipt gasUsed') * parseQuantity(price, 'receipt effectiveGasPrice');
}

async function balanceAt(rpc: JsonRpcClient, methods: CheckMethods, address: string, block: bigint): Promise<bigint> {
  return parseQuantity((await rpc.call(methods.getBalance, [address, toQuantity(block)])).result, `${methods.getBalance} result`);
}

/**
 * All receipts of a block in one call (eth_getBlockReceipts: geth, anvil, Erigon), by hash;
 * null where the node lacks it, and the caller reads them one by one.
 */
async function blockReceipts(rpc: JsonRpcClient, methods: CheckMethods, block: bigint): Promise<Map<string, Receipt> | null> {
  try {
    const { result } = await rpc.call(methods.getBlockReceipts, [toQuantity(block)]);
    if (!Array.isArray(result)) return null;
    const byHash = new Map<string, Receipt>();
    for (const r of result) if (isReceipt(r)) byHash.set(r.transactionHash.toLowerCase(), r);
    return byHash;
  } catch {
    return null;
  }
}

interface BlockTx {
  hash: string;
  from: string;
  to: string | null;
  value: string;
}

/** What every other transaction of the block did to the two accounts (ours is added by the caller, as claimed). */
async function blockEffect(rpc: JsonRpcClient, methods: CheckMethods, block: bigint, from: string, to: string, ownHash: string): Promise<Deltas> {
  const { result } = await rpc.call(methods.getBlockByNumber, [toQuantity(block), true]);
  const txs = (result as { transactions?: unknown } | null)?.transactions;
  if (!Array.isArray(txs)) throw new Error(`invalid ${methods.getBlockByNumber} result: no transactions`);
  const relevant = (txs as BlockTx[]).filter((t) => {
    if (t.hash.toLowerCase() === ownHash) return false;
    const txFrom = t.from.toLowerCase();
    const txTo = t.to === null ? null : t.to.toLowerCase();
    return txFrom === from || txFrom === to || txTo === from || txTo === to;
  });
  const receipts = relevant.length > 0 ? await blockReceipts(rpc, methods, block) : null;
  const total: Deltas = { from: 0n, to: 0n };
  for (const raw of relevant) {
    const txFrom = raw.from.toLowerCase();
    const txTo = raw.to === null ? null : raw.to.toLowerCase();
    const r = receipts?.get(raw.hash.toLowerCase()) ?? (await rpc.call(methods.getTransactionReceipt, [raw.hash])).result;
    if (!isReceipt(r)) throw new Error(`no receipt for a transaction of block ${block}`);
    const d = effect(from, to, {
      from: txFrom,
      to: txTo,
      value: parseQuantity(raw.value, 'transaction value'),
      ok: r.status === undefined || r.status === '0x1',
      fee: feeOf(r),
    });
    total.from += d.from;
    total.to += d.to;
  }
  return total;
}

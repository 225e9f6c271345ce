/**
 * What the chain itself says about a run: per block, how many transactions came from a set of
 * accounts and how full the block was. Tests compare the worker's numbers against this.
 */
import { readNonce } from '../../src/chain/account-state.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';

export interface AuditedBlock {
  number: number;
  /** Transactions from the audited accounts. */
  ours: number;
  /** gasUsed / gasLimit */
  fullness: number;
}

/** A 30M-gas block of 21,000-gas transfers. */
export const BLOCK_TRANSFERS = Math.floor(30_000_000 / 21_000);

/** The node's pool: transactions ready to be mined, and those queued behind a nonce gap (anvil, geth: txpool_status). */
export async function poolStatus(rpc: JsonRpcClient): Promise<{ pending: number; queued: number }> {
  const { pending, queued } = (await rpc.call('txpool_status', [])).result as { pending: string; queued: string };
  return { pending: Number(pending), queued: Number(queued) };
}

/** Transactions in the node's pool, pending and queued. */
export async function poolSize(rpc: JsonRpcClient): Promise<number> {
  const { pending, queued } = await poolStatus(rpc);
  return pending + queued;
}

/** What the pool holds of some accounts that no block holds yet (unminedInPool). */
export interface UnminedInPool {
  /** Of all the accounts. */
  total: number;
  /** Of the account with the most. */
  most: number;
}

/**
 * The transactions `accounts` have in the node's pool that no block holds yet. The pool's own
 * count (poolSize) can include a block's transactions for a moment after that block is served:
 * anvil stores a mined block, then prunes its pool (crates/anvil/src/service.rs), so a worker
 * that sends as soon as it sees the block can seem to have one more in the pool than it has
 * unmined. The accounts' mined nonces are read first, then the pool (anvil, geth:
 * txpool_inspect), and what those nonces show mined is left out: a transaction mined between
 * the two reads still counts, so the figure never understates.
 */
export async function unminedInPool(rpc: JsonRpcClient, accounts: readonly string[]): Promise<UnminedInPool> {
  const mined = new Map(await Promise.all(accounts.map(async (a) => [a.toLowerCase(), await readNonce(rpc, a, 'latest')] as const)));
  type ByNonce = Record<string, Record<string, string>>;
  const pool = (await rpc.call('txpool_inspect', [])).result as { pending?: ByNonce; queued?: ByNonce };
  const counts = new Map<string, number>();
  for (const group of [pool.pending, pool.queued]) {
    for (const [address, byNonce] of Object.entries(group ?? {})) {
      const account = address.toLowerCase();
      const from = mined.get(account);
      if (from === undefined) continue;
      const unmined = Object.keys(byNonce).filter((nonce) => Number(nonce) >= from).length;
      counts.set(account, (counts.get(account) ?? 0) + unmined);
    }
  }
  const all = [...counts.values()];
  return { total: all.reduce((a, b) => a + b, 0), most: Math.max(0, ...all) };
}

/** The head and the pool's pending and queued counts every `everyMs` for `forMs`, as "ms head pending queued" entries. */
export async function poolTrace(rpc: JsonRpcClient, forMs: number, everyMs: number): Promise<string> {
  const start = performance.now();
  const samples: string[] = [];
  while (performance.now() - start < forMs) {
    try {
      const head = await headOf(rpc);
      const { pending, queued } = await poolStatus(rpc);
      samples.push(`${Math.round(performance.now() - start)} ${head} ${pending} ${queued}`);
    } catch (err) {
      samples.push(`${Math.round(performance.now() - start)} ${String(err)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return samples.join(', ');
}

export async function headOf(rpc: JsonRpcClient): Promise<number> {
  return Number((await rpc.call('eth_blockNumber', [])).result);
}

/** Blocks `from`..`to` (inclusive), with the transactions sent by `accounts`. */
export async function auditBlocks(rpc: JsonRpcClient, accounts: readonly string[], from: number, to: number): Promise<AuditedBlock[]> {
  const ours = new Set(accounts.map((a) => a.toLowerCase()));
  const blocks: AuditedBlock[] = [];
  for (let n = from; n <= to; n++) {
    const { result } = await rpc.call('eth_getBlockByNumber', [`0x${n.toString(16)}`, true]);
    const block = result as { transactions: { from: string }[]; gasUsed: string; gasLimit: string };
    blocks.push({
      number: n,
      ours: block.transactions.filter((t) => ours.has(t.from.toLowerCase())).length,
      fullness: Number(BigInt(block.gasUsed)) / Number(BigInt(block.gasLimit)),
    });
  }
  return blocks;
}

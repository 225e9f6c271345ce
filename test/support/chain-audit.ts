/**
 * What the chain itself says about a run: per block, how many transactions came from a set of
 * accounts and how full the block was. Tests compare the worker's numbers against this.
 */
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

/** Transactions in the node's pool, pending and queued (anvil, geth: txpool_status). */
export async function poolSize(rpc: JsonRpcClient): Promise<number> {
  const { pending, queued } = (await rpc.call('txpool_status', [])).result as { pending: string; queued: string };
  return Number(pending) + Number(queued);
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

/**
 * What the node says of followed transactions and of an account's nonce: the reads behind the
 * checks and heals (node-checks.ts decides what to do with the answers).
 *
 * In JSON-RPC batches, MAX_BATCH calls each: after a drop storm every account asks about its
 * whole backlog at once, and the blocks stay empty of its transactions until its plan is made.
 * Measured on anvil: 3,000 lookups took 320–450 ms one call each, 32–97 ms in batches of 15;
 * one call each, a 200-account heal ended 550–800 ms after the block that showed the drop, too
 * late to fill the next block on a busy machine. A node that refuses batches is asked one
 * call at a time from then on, said in one log line.
 */
import type { Logger } from 'pino';

import type { BatchedCall, JsonRpcClient } from '../../rpc/json-rpc.js';
import { RpcError, type RpcErrorKind } from '../../rpc/rpc-error.js';
import { parseSmallQuantity } from '../quantity.js';
import type { Entry } from './entry.js';

/** Calls in one JSON-RPC batch: providers cap batches (at 100 calls, some of them). */
const MAX_BATCH = 100;
/** How a node that takes no batches answers one: an error object, an HTTP error, or something else than an array. */
const REFUSED_BATCH = new Set<RpcErrorKind>(['rpc', 'http', 'malformed']);

/** What the node says of one transaction: in a block, held in its pool, or unknown. */
export type Found = { kind: 'mined'; blockNumber: number; hash: string } | { kind: 'known' } | { kind: 'unknown' };

export class NodeLookups {
  readonly #rpc: JsonRpcClient;
  readonly #log: Logger;
  readonly #byHash: string;
  readonly #count: string;
  /** Until the node fails a batch that it then answers call by call. */
  #batches = true;

  constructor(rpc: JsonRpcClient, namespace: string, log: Logger) {
    this.#rpc = rpc;
    this.#log = log;
    this.#byHash = `${namespace}_getTransactionByHash`;
    this.#count = `${namespace}_getTransactionCount`;
  }

  /** What the node says of each entry (by any of its hashes), and the account's count of mined transactions, read with them. */
  async ask(address: string, entries: readonly Entry[]): Promise<{ found: Found[]; latest: number }> {
    // The hashes as asked: a re-send while the node is asked adds one to the entry's own list.
    const asked = entries.map((entry) => [...entry.hashes].reverse());
    const calls = asked.flatMap((hashes) => hashes.map((hash) => ({ method: this.#byHash, params: [hash] })));
    calls.push({ method: this.#count, params: [address, 'latest'] });
    const answers = await this.#answers(calls);
    const latest = parseSmallQuantity(answers.pop(), `${this.#count} result`);
    let at = 0;
    const found = asked.map((hashes) => foundIn(answers.slice(at, (at += hashes.length)), hashes, this.#byHash));
    return { found, latest };
  }

  /** The account's count of mined transactions. */
  async latestNonce(address: string): Promise<number> {
    return parseSmallQuantity((await this.#rpc.call(this.#count, [address, 'latest'])).result, `${this.#count} result`);
  }

  /**
   * The results of `calls`, batched while the node takes batches; any failed call fails them
   * all. A batch the node failed (an error object, an HTTP error, a reply that is no array, or
   * an error for every call, as some providers answer one over their limits) is asked again
   * one call at a time: when that works, the node refuses batches.
   */
  async #answers(calls: readonly BatchedCall[]): Promise<unknown[]> {
    const one = (): Promise<unknown[]> => Promise.all(calls.map(async ({ method, params }) => (await this.#rpc.call(method, params)).result));
    if (!this.#batches) return one();
    const chunks: BatchedCall[][] = [];
    for (let i = 0; i < calls.length; i += MAX_BATCH) chunks.push(calls.slice(i, i + MAX_BATCH));
    let refusal: RpcError;
    try {
      const items = (await Promise.all(chunks.map((chunk) => this.#rpc.batch(chunk)))).flat();
      const failed = items.filter((item) => !item.ok);
      if (failed.length < items.length) {
        return items.map((item) => {
          if (!item.ok) throw item.error;
          return item.result;
        });
      }
      refusal = failed[0]!.error;
    } catch (err) {
      // A timeout or a lost connection says nothing about batches: the caller asks again later.
      if (!(err instanceof RpcError) || !REFUSED_BATCH.has(err.kind)) throw err;
      refusal = err;
    }
    const results = await one();
    if (this.#batches) this.#log.info(`the node refuses JSON-RPC batches (${refusal.message}): the tracker asks about transactions one call at a time`);
    this.#batches = false;
    return results;
  }
}

/** The node's answers about each hash of one transaction, as one finding: mined by any of them, else held by any. */
function foundIn(answers: readonly unknown[], hashes: readonly string[], method: string): Found {
  let known = false;
  for (const [i, result] of answers.entries()) {
    if (result === null) continue;
    if (typeof result !== 'object') throw new Error(`invalid ${method} result`);
    const { blockNumber } = result as { blockNumber?: unknown };
    if (blockNumber === null || blockNumber === undefined) known = true;
    else return { kind: 'mined', blockNumber: parseSmallQuantity(blockNumber, `${method} blockNumber`), hash: hashes[i]! };
  }
  return { kind: known ? 'known' : 'unknown' };
}

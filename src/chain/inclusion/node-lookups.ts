/**
 * What the node says of followed transactions and of an account's nonce: the reads behind the
 * checks and heals (node-checks.ts decides what to do with the answers).
 *
 * In JSON-RPC batches (rpc/read-batcher.ts): after a drop storm every account asks about its
 * whole backlog at once, and the blocks stay empty of its transactions until its plan is made.
 * Measured on anvil: 3,000 lookups took 320–450 ms one call each, 32–97 ms in batches of 15;
 * one call each, a 200-account heal ended 550–800 ms after the block that showed the drop, too
 * late to fill the next block on a busy machine. The batcher also puts the accounts' reads of
 * one moment into the same requests.
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../../rpc/json-rpc.js';
import { ReadBatcher } from '../../rpc/read-batcher.js';
import { parseSmallQuantity } from '../quantity.js';
import type { Entry } from './entry.js';

/** What the node says of one transaction: in a block, held in its pool, or unknown. */
export type Found = { kind: 'mined'; blockNumber: number; hash: string } | { kind: 'known' } | { kind: 'unknown' };

export class NodeLookups {
  readonly #reads: ReadBatcher;
  readonly #byHash: string;
  readonly #count: string;

  constructor(rpc: JsonRpcClient, namespace: string, log: Logger) {
    this.#reads = new ReadBatcher(rpc, log);
    this.#byHash = `${namespace}_getTransactionByHash`;
    this.#count = `${namespace}_getTransactionCount`;
  }

  /** What the node says of each entry (by any of its hashes), and the account's count of mined transactions, read with them. */
  async ask(address: string, entries: readonly Entry[]): Promise<{ found: Found[]; latest: number }> {
    // The hashes as asked: a re-send while the node is asked adds one to the entry's own list.
    const asked = entries.map((entry) => [...entry.hashes].reverse());
    const calls = asked.flatMap((hashes) => hashes.map((hash) => ({ method: this.#byHash, params: [hash] })));
    calls.push({ method: this.#count, params: [address, 'latest'] });
    const answers = await this.#reads.read(calls);
    const latest = parseSmallQuantity(answers.pop(), `${this.#count} result`);
    let at = 0;
    const found = asked.map((hashes) => foundIn(answers.slice(at, (at += hashes.length)), hashes, this.#byHash));
    return { found, latest };
  }

  /** The account's count of mined transactions. */
  async latestNonce(address: string): Promise<number> {
    const [count] = await this.#reads.read([{ method: this.#count, params: [address, 'latest'] }]);
    return parseSmallQuantity(count, `${this.#count} result`);
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

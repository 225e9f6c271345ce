/**
 * Reads that many callers make at once, sent together: every `read` of one turn of the event
 * loop goes out in JSON-RPC batches of up to MAX_BATCH calls, a caller's calls kept in one
 * request where they fit. Why: after a drop storm the inclusion tracker checks every account,
 * then heals each one, at once. As one small request per account, 200 of them queued behind the
 * tracker's 32 sockets, three rounds in a row, and the accounts' new plans came 0.6–1.0 s after
 * the block that showed the drop (2026-12-04, saturating valueTransfer on anvil), too late to
 * fill the next block on a busy machine. Together they are a few requests per round.
 *
 * A node that takes no batches is asked one call at a time from then on, said in one log line.
 */
import { errorMessage } from '../util/errors.js';
import type { BatchedCall, BatchItem, JsonRpcClient, TransportLog } from './json-rpc.js';
import { RpcError, type RpcErrorKind } from './rpc-error.js';

/** Calls in one JSON-RPC batch: providers cap batches (at 100 calls, some of them). */
const MAX_BATCH = 100;
/** How a node that takes no batches answers one: an error object, an HTTP error, or something else than an array. */
const REFUSED_BATCH = new Set<RpcErrorKind>(['rpc', 'http', 'malformed']);

interface Asker {
  readonly calls: readonly BatchedCall[];
  resolve(results: unknown[]): void;
  reject(error: unknown): void;
}

export class ReadBatcher {
  readonly #rpc: JsonRpcClient;
  readonly #log: TransportLog;
  /** Until the node fails a batch that it then answers call by call. */
  #batches = true;
  /** Reads of this turn, sent once it ends. */
  #waiting: Asker[] = [];

  constructor(rpc: JsonRpcClient, log: TransportLog) {
    this.#rpc = rpc;
    this.#log = log;
  }

  /** The results of `calls`, in order; rejects with the error of the first that failed (any failed call fails them all). */
  read(calls: readonly BatchedCall[]): Promise<unknown[]> {
    if (calls.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ calls, resolve, reject });
      // After the turn: what the answers of one reply set off (checks, then heals) asks together.
      if (this.#waiting.length === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    let group: Asker[] = [];
    let size = 0;
    for (const asker of waiting) {
      if (size > 0 && size + asker.calls.length > MAX_BATCH) {
        void this.#send(group);
        group = [];
        size = 0;
      }
      group.push(asker);
      size += asker.calls.length;
    }
    if (group.length > 0) void this.#send(group);
  }

  /** One request (more for a caller with over MAX_BATCH calls) for the group's calls; each caller gets its own results. */
  async #send(group: readonly Asker[]): Promise<void> {
    let items: BatchItem[];
    try {
      items = await this.#items(group.flatMap((asker) => asker.calls));
    } catch (err) {
      for (const asker of group) asker.reject(err);
      return;
    }
    let at = 0;
    for (const asker of group) {
      const mine = items.slice(at, (at += asker.calls.length));
      const failed = mine.find((item) => !item.ok);
      if (failed !== undefined && !failed.ok) asker.reject(failed.error);
      else asker.resolve(mine.map((item) => (item.ok ? item.result : undefined)));
    }
  }

  /**
   * Each call's answer, batched while the node takes batches. A batch the node failed (an error
   * object, an HTTP error, a reply that is no array, or an error for every call, as some
   * providers answer one over their limits) is asked again one call at a time: when that
   * works, the node refuses batches. A timeout or a lost connection rejects: it says nothing
   * about batches, and the callers ask again later.
   */
  async #items(calls: readonly BatchedCall[]): Promise<BatchItem[]> {
    if (!this.#batches) return this.#oneByOne(calls);
    const chunks: BatchedCall[][] = [];
    for (let i = 0; i < calls.length; i += MAX_BATCH) chunks.push(calls.slice(i, i + MAX_BATCH));
    let refusal: RpcError;
    try {
      const items = (await Promise.all(chunks.map((chunk) => this.#rpc.batch(chunk)))).flat();
      const failed = items.filter((item) => !item.ok);
      if (failed.length < items.length) return items;
      refusal = (failed[0] as { ok: false; error: RpcError }).error;
    } catch (err) {
      if (!(err instanceof RpcError) || !REFUSED_BATCH.has(err.kind)) throw err;
      refusal = err;
    }
    const items = await this.#oneByOne(calls);
    // Every call answered alone: the node refuses batches (a call failing alone proves nothing).
    if (items.every((item) => item.ok)) {
      if (this.#batches) this.#log.info(`the node refuses JSON-RPC batches (${refusal.message}): the tracker asks about transactions one call at a time`);
      this.#batches = false;
    }
    return items;
  }

  #oneByOne(calls: readonly BatchedCall[]): Promise<BatchItem[]> {
    return Promise.all(
      calls.map(({ method, params }) =>
        this.#rpc.call(method, params).then(
          ({ result }): BatchItem => ({ ok: true, result }),
          (error: unknown): BatchItem => ({
            ok: false,
            error: error instanceof RpcError ? error : new RpcError('network', errorMessage(error), { cause: error }),
          }),
        ),
      ),
    );
  }
}

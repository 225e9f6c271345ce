/**
 * Receipts for many transactions at once, paced by the chain head. One loop per watcher
 * reads the block number every POLL_MS; a transaction's receipt is asked for once when it is
 * first watched and then once per new block, never on a timer per transaction. So the reads
 * cost about one per transaction per block it waits, plus one head read per poll, however
 * many transactions are pending. The loop runs only while something is watched.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonRpcClient } from '../src/rpc/json-rpc.js';
import { mapLimit } from './map-limit.js';
import { parseSmallQuantity } from './quantity.js';
import { isReceipt, type Receipt } from './receipt-wait.js';

export type WatchResult =
  | { readonly kind: 'receipt'; readonly receipt: Receipt; readonly bytes: number; /** performance.now() when it was read */ readonly at: number }
  | { readonly kind: 'timeout'; readonly lastError: string | null }
  /** The watcher was closed first. */
  | { readonly kind: 'closed' };

export interface ReceiptWatcherOptions {
  rpc: JsonRpcClient;
  /** e.g. eth_getTransactionReceipt */
  receiptMethod: string;
  /** e.g. eth_blockNumber */
  blockNumberMethod: string;
  /** Head polling interval (default 200 ms). */
  pollMs?: number;
  /** Receipt reads in flight at once (default 16). */
  concurrency?: number;
}

interface Entry {
  readonly hash: string;
  /** performance.now() based */
  readonly deadline: number;
  readonly resolve: (result: WatchResult) => void;
  /** The head at the last poll that found no receipt; null: poll in the next round. */
  polledAt: number | null;
  lastError: string | null;
}

const CLOSED: WatchResult = Object.freeze({ kind: 'closed' });

export class ReceiptWatcher {
  readonly #o: Required<ReceiptWatcherOptions>;
  readonly #entries = new Set<Entry>();
  readonly #closing = new AbortController();
  #running = false;

  constructor(options: ReceiptWatcherOptions) {
    this.#o = { pollMs: 200, concurrency: 16, ...options };
  }

  /** Transactions being watched. */
  get pending(): number {
    return this.#entries.size;
  }

  /** Resolves with the receipt, or a timeout at `deadline` (performance.now() based); never rejects. */
  watch(hash: string, deadline: number): Promise<WatchResult> {
    if (this.#closing.signal.aborted) return Promise.resolve(CLOSED);
    return new Promise((resolve) => {
      this.#entries.add({ hash, deadline, resolve, polledAt: null, lastError: null });
      if (!this.#running) {
        this.#running = true;
        void this.#loop().finally(() => {
          this.#running = false;
        });
      }
    });
  }

  /** Ends every watch with 'closed' and stops the loop. */
  close(): void {
    this.#closing.abort();
    for (const entry of [...this.#entries]) this.#settle(entry, CLOSED);
  }

  async #loop(): Promise<void> {
    const { rpc, blockNumberMethod, pollMs, concurrency } = this.#o;
    while (this.#entries.size > 0 && !this.#closing.signal.aborted) {
      let head: number | null = null;
      let headError: string | null = null;
      try {
        head = parseSmallQuantity((await rpc.call(blockNumberMethod, [])).result, `${blockNumberMethod} result`);
      } catch (err) {
        headError = message(err);
      }
      const due: Entry[] = [];
      for (const entry of this.#entries) {
        if (headError !== null) entry.lastError = headError;
        if (entry.polledAt === null || (head !== null && head > entry.polledAt)) due.push(entry);
      }
      await mapLimit(due, concurrency, (entry) => this.#poll(entry, head));
      const now = performance.now();
      for (const entry of [...this.#entries]) {
        if (now >= entry.deadline) this.#settle(entry, { kind: 'timeout', lastError: entry.lastError });
      }
      if (this.#entries.size === 0) break;
      await sleep(pollMs, undefined, { signal: this.#closing.signal }).catch(() => undefined);
    }
  }

  async #poll(entry: Entry, head: number | null): Promise<void> {
    if (!this.#entries.has(entry)) return;
    const method = this.#o.receiptMethod;
    try {
      const { result, bytes } = await this.#o.rpc.call(method, [entry.hash]);
      if (isReceipt(result)) {
        this.#settle(entry, { kind: 'receipt', receipt: result, bytes, at: performance.now() });
        return;
      }
      if (result !== null) entry.lastError = `invalid ${method} result`;
      // Polled at this head; with no head known, -1 makes the next known head due.
      entry.polledAt = head ?? -1;
    } catch (err) {
      // A failed read proves nothing: ask again in the next round.
      entry.polledAt = null;
      entry.lastError = message(err);
    }
  }

  #settle(entry: Entry, result: WatchResult): void {
    if (!this.#entries.delete(entry)) return;
    entry.resolve(result);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

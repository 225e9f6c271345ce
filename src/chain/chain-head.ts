/**
 * The chain head as one shared, slightly stale number. Reading it every call would double the
 * load of a read test case; instead the first read older than `refreshMs` starts one
 * background re-read and keeps answering with the last value meanwhile.
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { describeResult } from '../runner/timed-call.js';
import { errorMessage } from '../util/errors.js';
import { isHexQuantity } from './encoding/hex.js';

export interface ChainHeadOptions {
  rpc: JsonRpcClient;
  /** e.g. eth_blockNumber */
  method: string;
  refreshMs: number;
  log?: Logger;
  /** Monotonic milliseconds. */
  now?: () => number;
}

export class ChainHead {
  readonly #rpc: JsonRpcClient;
  readonly #method: string;
  readonly #refreshMs: number;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  #head: number;
  #readAt: number;
  #refreshing: Promise<void> | undefined;
  #failing = false;
  #closed = false;

  private constructor(options: ChainHeadOptions, head: number, readAt: number) {
    this.#rpc = options.rpc;
    this.#method = options.method;
    this.#refreshMs = options.refreshMs;
    this.#log = options.log;
    this.#now = options.now ?? (() => performance.now());
    this.#head = head;
    this.#readAt = readAt;
  }

  /** Reads the head once; rejects with one line if the node cannot say. */
  static async open(options: ChainHeadOptions): Promise<ChainHead> {
    if (!(options.refreshMs > 0)) throw new RangeError(`head refresh interval must be > 0 ms, got ${options.refreshMs}`);
    const now = options.now ?? (() => performance.now());
    const head = await readHead(options.rpc, options.method).catch((err: unknown) => {
      throw new Error(`cannot read the chain head: ${errorMessage(err)}`, { cause: err });
    });
    return new ChainHead(options, head, now());
  }

  /** The latest head known; may start a background re-read. */
  current(): number {
    if (this.#refreshing === undefined && !this.#closed && this.#now() - this.#readAt >= this.#refreshMs) {
      this.#refreshing = this.#refresh().finally(() => (this.#refreshing = undefined));
    }
    return this.#head;
  }

  /** Stops refreshing and waits for a re-read in flight, so nothing outlives the RPC client. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#refreshing;
  }

  async #refresh(): Promise<void> {
    try {
      this.#head = await readHead(this.#rpc, this.#method);
      this.#failing = false;
    } catch (err) {
      // Once per outage, not once per refresh interval.
      if (!this.#failing) this.#log?.warn({ err: errorMessage(err) }, `${this.#method}: cannot refresh the chain head; keeping ${this.#head}`);
      this.#failing = true;
    } finally {
      this.#readAt = this.#now();
    }
  }
}

async function readHead(rpc: JsonRpcClient, method: string): Promise<number> {
  const { result } = await rpc.call(method, []);
  if (!isHexQuantity(result)) throw new Error(`invalid ${method} result: ${describeResult(result)}`);
  const head = Number(result);
  if (!Number.isSafeInteger(head)) throw new Error(`${method} returned ${result}, beyond the numbers this tool handles`);
  return head;
}

/**
 * The `mined` successes of the block being read, recorded together once it is read. On a busy
 * chain a block settles thousands of transactions; the stats then count each test case's once
 * (BatchRecorder.successes: one per-second count and one update a histogram bucket) instead of
 * once a transaction. Outside a block (a transaction found by a lookup, or seen in a block
 * before its send was answered) a success is recorded at once.
 */
import type { BatchRecorder } from '../../stats/recorder.js';
import { MINED_TYPE } from './types.js';

export class MinedBatch {
  readonly #recorder: BatchRecorder;
  /** Inclusion times (ms) by test case, while a block is read; null: record at once. */
  #times: Map<string, number[]> | null = null;

  constructor(recorder: BatchRecorder) {
    this.#recorder = recorder;
  }

  /** A block is being read: successes wait for `flush`. */
  open(): void {
    this.#times ??= new Map();
  }

  success(name: string, inclusionMs: number): void {
    if (this.#times === null) return void this.#recorder.success(MINED_TYPE, name, inclusionMs, 0);
    const times = this.#times.get(name);
    if (times === undefined) this.#times.set(name, [inclusionMs]);
    else times.push(inclusionMs);
  }

  /** The block is read: records what it settled, and records at once again. */
  flush(): void {
    const batch = this.#times;
    this.#times = null;
    if (batch !== null) for (const [name, times] of batch) this.#recorder.successes(MINED_TYPE, name, times);
  }
}

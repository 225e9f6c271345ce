/**
 * A timer with sub-millisecond resolution that does not spin. Node's timers have 1 ms
 * resolution and often fire up to 1 ms late, which bunches `--rps-mode smooth` grants into
 * whole milliseconds at 1,000/s and above; polling with setImmediate paces well but keeps a
 * core busy, and on a shared core the scheduler then punishes the spinner with long pauses.
 *
 * Instead a helper thread sleeps until the deadline (Atomics.wait takes fractional
 * milliseconds, and the kernel keeps them to tens of microseconds) and wakes the event loop
 * through Atomics.waitAsync. The event loop sleeps in the meantime, like with a timer.
 *
 * Shared memory: [0] request sequence (bumped by the main thread with every new deadline or
 * cancel), [1] wake count (bumped by the helper when a deadline passes); the deadline itself,
 * in process.hrtime milliseconds, sits in a Float64 after them. The helper fires at most once
 * per request, so a re-armed timer never fires twice for one deadline.
 */
import { Worker } from 'node:worker_threads';

const SEQ = 0;
const WAKES = 1;
const DEADLINE_BYTE_OFFSET = 8;

/** CommonJS run with `eval`, so it works the same from src/ under vitest and from dist/. */
const HELPER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData, 0, 2);
const deadline = new Float64Array(workerData, ${DEADLINE_BYTE_OFFSET}, 1);
let fired = -1;
for (;;) {
  const seq = Atomics.load(flags, ${SEQ});
  if (seq === fired) {
    Atomics.wait(flags, ${SEQ}, seq);
    continue;
  }
  const wait = deadline[0] - Number(process.hrtime.bigint()) / 1e6;
  if (wait <= 0) {
    fired = seq;
    Atomics.add(flags, ${WAKES}, 1);
    Atomics.notify(flags, ${WAKES});
  } else {
    Atomics.wait(flags, ${SEQ}, seq, wait);
  }
}
`;

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<unknown> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** One deadline at a time: setting a new one replaces the last. */
export interface PreciseTimer {
  /** Calls back once at `atMs` (performance.now() time), unless set again or cancelled first. */
  set(atMs: number): void;
  cancel(): void;
}

/** Whether this runtime can run a precise timer (Atomics.waitAsync, Node 16+). */
export const PRECISE_TIMERS_AVAILABLE = typeof waitAsync === 'function';

/**
 * A precise timer calling `callback`. The helper thread starts now, does not keep the process
 * alive, and lives as long as the process (one per limiter, reused across tests).
 */
export function createPreciseTimer(callback: () => void): PreciseTimer {
  if (waitAsync === undefined) throw new Error('precise timers need Atomics.waitAsync (Node 16 or later)');
  const shared = new SharedArrayBuffer(DEADLINE_BYTE_OFFSET + 8);
  const flags = new Int32Array(shared, 0, 2);
  const deadline = new Float64Array(shared, DEADLINE_BYTE_OFFSET, 1);
  const helper = new Worker(HELPER_SOURCE, { eval: true, workerData: shared, stdout: false, stderr: false });
  helper.unref();
  // performance.now() and process.hrtime() read the same monotonic clock; this is their offset.
  const hrtimeOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  let armed = false;
  let listening = false;

  const onWake = (): void => {
    listening = false;
    if (!armed) return; // cancelled, or a wake for a deadline since replaced and already served
    armed = false;
    callback();
  };
  const listen = (): void => {
    if (listening) return;
    // Read the wake count before posting the deadline, so a wake in between is not missed.
    const result = waitAsync(flags, WAKES, Atomics.load(flags, WAKES));
    listening = true;
    if (result.async) void (result.value as Promise<unknown>).then(onWake);
    else queueMicrotask(onWake);
  };
  return {
    set(atMs) {
      armed = true;
      listen();
      deadline[0] = atMs + hrtimeOffset;
      Atomics.add(flags, SEQ, 1);
      Atomics.notify(flags, SEQ);
    },
    cancel() {
      armed = false;
      deadline[0] = Infinity;
      Atomics.add(flags, SEQ, 1);
      Atomics.notify(flags, SEQ);
    },
  };
}

/**
 * `--run-tasks`: Boomer's debug mode. Each task runs once, in order, by one user and without a
 * master; every outcome is printed as it is recorded, and then the backlog is drained, so that
 * a transaction's `mined` outcome (recorded by the inclusion tracker) is printed too.
 */
import type { BatchRecorder } from '../stats/recorder.js';
import { errorMessage } from '../util/errors.js';
import type { Backlog } from './backlog.js';
import type { Task, User } from './task.js';
import { TASK_ERROR_TYPE } from './user-pool.js';

/** A recorder that prints each outcome on one line and passes it on. */
export class PrintingRecorder implements BatchRecorder {
  outcomes = 0;
  failures = 0;

  constructor(
    private readonly inner: BatchRecorder,
    private readonly print: (line: string) => void,
  ) {}

  success(type: string, name: string, responseTimeMs: number, contentLength: number): void {
    this.outcomes += 1;
    this.print(`${name} · ${type}: ok in ${Math.round(responseTimeMs)} ms`);
    this.inner.success(type, name, responseTimeMs, contentLength);
  }

  successes(type: string, name: string, responseTimesMs: readonly number[]): void {
    this.outcomes += responseTimesMs.length;
    for (const ms of responseTimesMs) this.print(`${name} · ${type}: ok in ${Math.round(ms)} ms`);
    this.inner.successes(type, name, responseTimesMs);
  }

  failure(type: string, name: string, responseTimeMs: number, error: string): void {
    this.outcomes += 1;
    this.failures += 1;
    this.print(`${name} · ${type}: FAILED after ${Math.round(responseTimeMs)} ms: ${error}`);
    this.inner.failure(type, name, responseTimeMs, error);
  }
}

export interface RunOnceOptions {
  tasks: readonly Task[];
  /** The process's recorder, printing (the inclusion tracker records the mined outcomes through it too). */
  recorder: PrintingRecorder;
  backlog: Backlog;
  /** How long to wait for the transactions to settle after the last task (--drain-timeout). */
  drainTimeoutMs: number;
  print(line: string): void;
}

/** Runs each task once, then waits for its transactions; resolves with the number of failed outcomes. */
export async function runEachOnce(options: RunOnceOptions): Promise<number> {
  const { tasks, recorder, backlog, drainTimeoutMs } = options;
  backlog.open();
  for (const [id, task] of tasks.entries()) {
    const before = recorder.outcomes;
    const user: User = { id, recorder, signal: new AbortController().signal };
    const t0 = performance.now();
    try {
      await task.run(user);
    } catch (err) {
      recorder.failure(TASK_ERROR_TYPE, task.name, performance.now() - t0, errorMessage(err));
    }
    if (recorder.outcomes === before) options.print(`${task.name}: ran once and recorded nothing`);
  }
  await backlog.drain(drainTimeoutMs);
  return recorder.failures;
}

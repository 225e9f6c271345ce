/**
 * An in-process WorkerRunner wired to a MockMaster, for the master protocol tests: small
 * counting tasks, a logger whose lines the test can read, short timings, and helpers that
 * wait for what the worker sends (always with a deadline).
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { decode } from '@msgpack/msgpack';
import { type Logger, pino } from 'pino';

import type { Task, User } from '../../src/runner/task.js';
import type { UserPool } from '../../src/runner/user-pool.js';
import type { MasterTimings, WorkerRunner, WorkerRunResult } from '../../src/runner/worker-runner.js';
import type { RequestStats } from '../../src/stats/request-stats.js';
import { countingWorker } from './counting-worker.js';
import { MockMaster, type Received } from './mock-master.js';
import { withDeadline } from './processes.js';

/** Fast enough for a quick suite, slow enough for a busy 2-core machine. */
export const TEST_TIMINGS: Partial<MasterTimings> = {
  heartbeatMs: 100,
  reportMs: 300,
  ackRetryMs: 500,
  stopGraceMs: 2_000,
  // Long enough that a 2 ms iteration always ends within it on a loaded machine: the tests
  // compare exact counts, and an iteration cut off at quit is (rightly) not counted.
  quitGraceMs: 2_000,
};

/** How the tasks' own results are recorded. */
export const TASK_TYPE = 'rpc';

export type Outcome = 'success' | 'failure' | 'throw';

/**
 * A task that counts its own iterations, so a test can compare what the worker reported
 * with what really happened. Each iteration waits on a real timer, like a request would.
 */
export class CountingTask implements Task {
  invocations = 0;
  /** Ids of the users that ran at least one iteration. */
  readonly users = new Set<number>();

  constructor(
    readonly name: string,
    readonly weight = 1,
    readonly outcome: Outcome = 'success',
    readonly durationMs = 2,
  ) {}

  async run(user: User): Promise<void> {
    this.invocations += 1;
    this.users.add(user.id);
    const t0 = performance.now();
    await sleep(this.durationMs);
    const ms = performance.now() - t0;
    if (this.outcome === 'throw') throw new Error(`${this.name} exploded`);
    if (this.outcome === 'failure') user.recorder.failure(TASK_TYPE, this.name, ms, 'bad answer');
    else user.recorder.success(TASK_TYPE, this.name, ms, 42);
  }
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export const WARN = 40;

export function collectingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

export interface StatsData {
  stats: Array<{ name: string; method: string; num_requests: number; num_failures: number; start_time: number; response_times: Record<string, number> }>;
  stats_total: { num_requests: number; num_failures: number; start_time: number; response_times: Record<string, number> };
  errors: Record<string, { name: string; method: string; error: string; occurrences: number }>;
  user_classes_count: Record<string, number>;
  user_count: number;
}

export function statsOf(m: Received): StatsData {
  return m.data as StatsData;
}

export function requestsIn(m: Received): number {
  return statsOf(m).stats_total.num_requests;
}

/** Sum of `stats_total.num_requests` over the stats messages in `messages`. */
export function sumRequests(messages: readonly Received[]): number {
  return messages.filter((m) => m.type === 'stats').reduce((a, m) => a + requestsIn(m), 0);
}

/**
 * Decodes a raw payload independently of the worker's encoder, marking every integer map key
 * as `#int:<n>` so a test can tell `{150: 3}` from `{"150": 3}` on the wire.
 */
export function decodeMarkingIntKeys(raw: Uint8Array): unknown {
  return decode(raw, { mapKeyConverter: (key: unknown) => (typeof key === 'number' ? `#int:${key}` : (key as string)) });
}

export interface WorkerOptions {
  tasks?: CountingTask[];
  timings?: Partial<MasterTimings>;
  connectTimeoutMs?: number | null;
  /** Master to talk to; a new MockMaster by default. */
  mock?: MockMaster;
}

export class WorkerHarness {
  readonly runner: WorkerRunner;
  readonly pool: UserPool;
  readonly stats: RequestStats;
  readonly tasks: CountingTask[];
  readonly lines: LogLine[];
  readonly result: Promise<WorkerRunResult>;
  mock: MockMaster;
  #lastTimestamp = 0;

  private constructor(mock: MockMaster, options: WorkerOptions) {
    this.mock = mock;
    this.tasks = options.tasks ?? [new CountingTask('A')];
    const { log, lines } = collectingLogger();
    this.lines = lines;
    const worker = countingWorker({
      port: mock.port,
      tasks: this.tasks,
      log,
      timings: { ...TEST_TIMINGS, ...options.timings },
      connectTimeoutMs: options.connectTimeoutMs ?? null,
    });
    this.runner = worker.runner;
    this.pool = worker.pool;
    this.stats = worker.stats;
    this.result = this.runner.run();
  }

  static async start(options: WorkerOptions = {}): Promise<WorkerHarness> {
    return new WorkerHarness(options.mock ?? (await MockMaster.start()), options);
  }

  get id(): string {
    return this.runner.nodeId;
  }

  get invocations(): number {
    return this.tasks.reduce((a, t) => a + t.invocations, 0);
  }

  /** Index of the next message the mock will record. */
  mark(): number {
    return this.mock.received.length;
  }

  /** Waits for `client_ready` (after index `from`) and acks it. */
  async register(from = 0): Promise<Received> {
    const ready = await this.mock.waitFor('client_ready', { from });
    await this.mock.send(this.id, 'ack', { index: 0 });
    return ready;
  }

  /**
   * Sends a 2.x spawn with a fresh, increasing timestamp (unless one is given). Without
   * `stopTimeout` the key is left out (newer masters); 2.12.1 sends null.
   */
  async spawn(classes: Record<string, unknown>, extra: { timestamp?: number; stopTimeout?: number | null } = {}): Promise<number> {
    const timestamp = extra.timestamp ?? Math.max(Date.now() / 1000, this.#lastTimestamp + 0.001);
    this.#lastTimestamp = Math.max(this.#lastTimestamp, timestamp);
    const stopTimeout = extra.stopTimeout === undefined ? {} : { stop_timeout: extra.stopTimeout };
    await this.mock.send(this.id, 'spawn', { timestamp, user_classes_count: classes, host: null, ...stopTimeout, parsed_options: {} });
    return timestamp;
  }

  /**
   * Spawns and waits for the `spawning_complete` that answers it: the first one with its user
   * count (an earlier spawn's may still be on its way on a busy machine).
   */
  async spawnAndWait(classes: Record<string, number>, extra: { stopTimeout?: number | null } = {}): Promise<Received> {
    const from = this.mark();
    const users = Object.values(classes).reduce((a, b) => a + b, 0);
    await this.spawn(classes, extra);
    return this.mock.waitFor((m) => m.type === 'spawning_complete' && (m.data as { user_count?: unknown } | null)?.user_count === users, { from });
  }

  /** Waits for a stats message (after `from`) that carries requests. */
  statsWithRequests(from = this.mark(), timeoutMs = 10_000): Promise<Received> {
    return this.mock.waitFor((m) => m.type === 'stats' && requestsIn(m) > 0, { from, timeoutMs });
  }

  /**
   * Returns once everything the worker sent before this call has reached the mock: messages
   * on one connection arrive in order, and the second heartbeat from now was sent after now.
   */
  async flush(): Promise<number> {
    const from = this.mark();
    const first = await this.mock.waitFor('heartbeat', { from });
    const second = await this.mock.waitFor('heartbeat', { from: this.mock.received.indexOf(first) + 1 });
    return this.mock.received.indexOf(second) + 1;
  }

  /** Waits for a log line whose message contains `text` (after line index `from`). */
  async logged(text: string, from = 0, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.slice(from).find((l) => l.msg.includes(text));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no log line with "${text}" within ${timeoutMs} ms; got: ${this.lines.map((l) => l.msg).join(' | ')}`);
      await sleep(20);
    }
  }

  /** The run's result, failing if it takes longer than `timeoutMs`. */
  finished(timeoutMs: number): Promise<WorkerRunResult> {
    return withDeadline(this.result, timeoutMs, () => `the runner did not finish within ${timeoutMs} ms`);
  }

  /**
   * Sends `quit` and returns once the worker has finished and its last messages have reached
   * the mock: the runner ends when ZeroMQ holds them, a moment before they arrive, and the
   * final stats (sent just before the worker's `quit`) carry the test's last requests.
   */
  async quit(timeoutMs = 5_000): Promise<WorkerRunResult> {
    const from = this.mark();
    await this.mock.send(this.id, 'quit', null);
    const result = await this.finished(timeoutMs);
    await this.mock.waitFor('quit', { from, timeoutMs });
    return result;
  }

  /** Ends the run (a no-op if it already ended) and closes the mock. */
  async close(): Promise<void> {
    this.runner.shutdown('test over');
    await this.finished(10_000);
    await this.mock.close();
  }
}

/** Closes every harness a test opened; call `closeAll` in afterEach. */
export class Harnesses {
  readonly #open: Array<{ close(): Promise<void> }> = [];

  async start(options: WorkerOptions = {}): Promise<WorkerHarness> {
    const h = await WorkerHarness.start(options);
    this.#open.push(h);
    return h;
  }

  /** Registers anything else to close after the test (an extra mock, say). */
  track<T extends { close(): Promise<void> }>(thing: T): T {
    this.#open.push(thing);
    return thing;
  }

  async closeAll(): Promise<void> {
    const open = this.#open.splice(0);
    const results = await Promise.allSettled(open.map((h) => h.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

import type { Logger } from 'pino';

import { renderTable } from '../stats/console-table.js';
import type { RequestStats } from '../stats/request-stats.js';
import type { Backlog } from './backlog.js';
import type { RateLimiter } from './limiter/limiter.js';
import type { UserPool } from './user-pool.js';

export interface StandaloneOptions {
  users: number;
  spawnRate: number;
  /** null: until `shutdown`. */
  runTimeMs: number | null;
  /** Wait for in-flight iterations at the end. */
  stopGraceMs: number;
  /** Transactions waiting for the chain, and how long to wait for them after the users stop (--drain-timeout). */
  backlog: Backlog;
  drainTimeoutMs: number;
  pool: UserPool;
  stats: RequestStats;
  limiter: RateLimiter;
  log: Logger;
  /** Where the live table goes (stderr in the CLI). */
  print: (text: string) => void;
  tableIntervalMs?: number;
}

export interface StandaloneResult {
  reason: string;
  /** From the start to the end of the drain: the span every row's rate is taken over, as in Locust's CSV. */
  durationS: number;
  /** Of which the drain after the users stopped. */
  drainS: number;
  peakUsers: number;
}

/**
 * A test with no master: this process ramps its users at the hatch rate, prints Locust's
 * table every few seconds, and stops after the run time. Below it, the same pool, limiter and
 * stats as with a master.
 */
export class StandaloneRunner {
  readonly #o: StandaloneOptions;
  #stop!: (reason: string) => void;
  readonly #stopped = new Promise<string>((resolve) => {
    this.#stop = resolve;
  });

  constructor(options: StandaloneOptions) {
    this.#o = options;
  }

  /** Ends the run early (Ctrl-C); the results so far are kept. */
  shutdown(reason: string): void {
    this.#stop(reason);
  }

  async run(): Promise<StandaloneResult> {
    const { pool, stats, limiter, log, print, backlog } = this.#o;
    stats.reset();
    backlog.open();
    const startedAt = performance.now();
    // The limiter knows the end too, so no request starts at or after it.
    limiter.start(this.#o.runTimeMs === null ? {} : { untilMs: this.#o.runTimeMs });
    const elapsedS = () => (performance.now() - startedAt) / 1000;
    log.info(
      { users: this.#o.users, spawnRate: this.#o.spawnRate, runTime: this.#o.runTimeMs === null ? 'until interrupted' : `${this.#o.runTimeMs / 1000}s` },
      'standalone test started',
    );

    const timers: NodeJS.Timeout[] = [];
    if (this.#o.runTimeMs !== null) timers.push(setTimeout(() => this.#stop('run time reached'), this.#o.runTimeMs));
    timers.push(
      setInterval(() => {
        // The window is a master's concern; draining it keeps its per-second maps small.
        stats.takeReport();
        const { rows, total } = stats.summary(elapsedS());
        print(renderTable(rows, total));
      }, this.#o.tableIntervalMs ?? 3_000),
    );
    void pool.rampTo(this.#o.users, this.#o.spawnRate).then((reached) => {
      if (reached) log.info({ users: pool.count, byTestCase: Object.fromEntries(pool.countsByTask()) }, 'all users hatched');
    });

    const reason = await this.#stopped;
    const peakUsers = pool.count;
    await pool.stopAll(this.#o.stopGraceMs);
    limiter.stop();
    // The table goes on while the chain catches up with what the users sent.
    const drainStart = elapsedS();
    await backlog.drain(this.#o.drainTimeoutMs);
    for (const timer of timers) clearTimeout(timer);
    const durationS = elapsedS();
    stats.takeReport();
    log.info({ reason }, 'standalone test finished');
    return { reason, durationS, drainS: durationS - drainStart, peakUsers };
  }
}

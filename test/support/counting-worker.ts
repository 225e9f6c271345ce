/**
 * A WorkerRunner over the tests' own tasks, uncapped, with no transactions to drain: the one way
 * the master protocol tests build a worker, whichever master (or none) it then meets.
 */
import type { Logger } from 'pino';

import { createRateLimiter } from '../../src/runner/limiter/rate-limiter.js';
import type { Task } from '../../src/runner/task.js';
import { UserPool } from '../../src/runner/user-pool.js';
import { WorkerRunner, type WorkerRunnerOptions } from '../../src/runner/worker-runner.js';
import { RequestStats } from '../../src/stats/request-stats.js';
import { NO_TRANSACTIONS } from './no-transactions.js';

export type CountingWorkerOptions = { port: number; tasks: Task[]; log: Logger } & Pick<WorkerRunnerOptions, 'timings' | 'connectTimeoutMs' | 'transport'>;

/** The runner (not started) for a master on 127.0.0.1:`port`, its users' pool and its stats. */
export function countingWorker({ port, tasks, log, ...rest }: CountingWorkerOptions): { runner: WorkerRunner; pool: UserPool; stats: RequestStats } {
  const stats = new RequestStats();
  const limiter = createRateLimiter({ maxRps: 0 });
  const pool = new UserPool({ tasks, limiter, recorder: stats, log });
  const runner = new WorkerRunner({ host: '127.0.0.1', port, pool, stats, limiter, backlog: NO_TRANSACTIONS, drainTimeoutMs: 0, log, ...rest });
  return { runner, pool, stats };
}

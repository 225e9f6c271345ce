import type { Logger } from 'pino';
import { startDevChain, type DevChain } from './dev-chain.js';
import type { Options } from './options.js';
import { JsonRpcClient } from './rpc/json-rpc.js';
import { MasterRunner } from './runner/master-runner.js';
import { createRateLimiter } from './runner/rate-limiter.js';
import { StandaloneRunner } from './runner/standalone-runner.js';
import type { Task } from './runner/task.js';
import { UserPool } from './runner/user-pool.js';
import { renderTable } from './stats/console-table.js';
import { writeCsvFiles } from './stats/csv.js';
import { RequestStats } from './stats/request-stats.js';
import { buildSummaryJson, writeSummaryJson } from './stats/summary-json.js';
import type { PreparedTestCase } from '../testcases/types.js';

/** Something that ends a run when the user presses Ctrl-C. */
interface Stoppable {
  shutdown(reason: string): void;
}

/**
 * One klayworker process from validated options to exit code: chain, test cases, users,
 * the master (or none), the summary files, and a clean teardown whatever happens.
 */
export async function runWorker(options: Options, log: Logger): Promise<number> {
  let devChain: DevChain | null = null;
  let rpc: JsonRpcClient | null = null;
  const prepared: PreparedTestCase[] = [];
  const releaseSignals = onSignals(log);
  try {
    if (options.endpoint === null) {
      devChain = await startDevChain({ blockTime: 1, log });
      log.info({ endpoint: devChain.url }, 'no --endpoint given: started an embedded anvil dev chain');
    }
    const endpoint = options.endpoint ?? devChain!.url;
    rpc = new JsonRpcClient(endpoint, { timeoutMs: options.rpcTimeoutMs });

    const tasks: Task[] = [];
    for (const { testCase, weight } of options.testCases) {
      const ready = await testCase.setup({ rpc, endpoint, log });
      prepared.push(ready);
      tasks.push({ name: testCase.name, weight, run: (user) => ready.run(user) });
    }

    const stats = new RequestStats();
    const limiter = createRateLimiter({ maxRps: options.maxRps, mode: options.rpsMode, increaseRate: options.requestIncreaseRate });
    const pool = new UserPool({ tasks, limiter, recorder: stats, log });

    let outcome: { exitCode: number; durationS: number; peakUsers: number };
    if (options.standalone) {
      const runner = new StandaloneRunner({
        users: options.users,
        spawnRate: options.spawnRate,
        runTimeMs: options.runTimeMs,
        stopGraceMs: options.stopTimeoutMs,
        pool,
        stats,
        limiter,
        log,
        print: (text) => process.stderr.write(text + '\n'),
      });
      releaseSignals.attach(runner);
      const result = await runner.run();
      // Like Locust's --exit-code-on-error: a run with failed requests is not a clean run.
      outcome = { ...result, exitCode: stats.totalFailures > 0 ? 1 : 0 };
    } else {
      const runner = new MasterRunner({
        host: options.masterHost,
        port: options.masterPort,
        pool,
        stats,
        limiter,
        log,
        connectTimeoutMs: options.connectTimeoutMs,
      });
      releaseSignals.attach(runner);
      outcome = await runner.run();
    }

    const summary = stats.summary(outcome.durationS);
    process.stderr.write(`\n${renderTable(summary.rows, summary.total)}\n`);
    log.info(
      { requests: summary.total.requests, failures: summary.total.failures, rps: round2(summary.total.rps), durationS: round2(outcome.durationS) },
      'summary',
    );
    if (options.csvPrefix !== null) await writeCsvFiles(options.csvPrefix, stats.snapshot());
    if (options.jsonFile !== null) {
      await writeSummaryJson(options.jsonFile, buildSummaryJson({ durationS: outcome.durationS, users: outcome.peakUsers, rows: summary.rows, total: summary.total }));
    }
    return outcome.exitCode;
  } finally {
    releaseSignals.release();
    for (const p of prepared) await p.teardown?.().catch((err: unknown) => log.warn({ err: String(err) }, 'test case teardown failed'));
    await rpc?.close().catch(() => undefined);
    await devChain?.stop();
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * First Ctrl-C (or SIGTERM): a graceful end, results kept. Second: exit at once (the dev
 * chain's own exit hook still takes anvil down).
 */
function onSignals(log: Logger): { attach(target: Stoppable): void; release(): void } {
  let target: Stoppable | null = null;
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received += 1;
    if (received > 1 || target === null) {
      log.warn({ signal }, 'exiting now');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    log.info({ signal }, 'stopping (press Ctrl-C again to exit at once)');
    target.shutdown(`received ${signal}`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    attach(t) {
      target = t;
    },
    release() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

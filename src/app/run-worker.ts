import type { Logger } from 'pino';

import type { PreparedTestCase } from '../api/test-case.js';
import { deriveNodeSignedAccounts, deriveTestAccounts, signerAccount } from '../chain/accounts.js';
import { InclusionTracker } from '../chain/inclusion/inclusion-tracker.js';
import { PrivateKey } from '../chain/keys.js';
import { DEFAULT_NODE_SIGNED_ACCOUNTS } from '../chain/tx-session.js';
import { refuseLockedOut, waitForNode } from '../chain/wait-for-node.js';
import { createMetricsRegistry, MetricsRecorder, type MetricsServer, serveMetrics, type WorkerState } from '../metrics/prometheus.js';
import { JsonRpcClient } from '../rpc/json-rpc.js';
import { createRateLimiter } from '../runner/limiter/rate-limiter.js';
import { PrintingRecorder, runEachOnce } from '../runner/run-once.js';
import { StandaloneRunner } from '../runner/standalone-runner.js';
import type { Task } from '../runner/task.js';
import { TASK_ERROR_TYPE, UserPool } from '../runner/user-pool.js';
import { WorkerRunner } from '../runner/worker-runner.js';
import { renderTable } from '../stats/console-table.js';
import { type ExceptionRow, writeCsvFiles } from '../stats/csv.js';
import { writeHtmlReport } from '../stats/html-report.js';
import { type ErrorRow, RequestStats } from '../stats/request-stats.js';
import { buildSummaryJson, writeSummaryJson } from '../stats/summary-json.js';
import { type DevChain, startDevChain } from './dev-chain.js';
import { type LiveHistory, startLiveHistory } from './live-history.js';
import type { Options, RefundOptions } from './options.js';
import { logRefund, refundAccounts } from './refund.js';
import { createTestCaseContext } from './test-case-context.js';

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
  let trackerRpc: JsonRpcClient | null = null;
  let tracker: InclusionTracker | null = null;
  const prepared: PreparedTestCase[] = [];
  let metrics: MetricsServer | null = null;
  let history: LiveHistory | null = null;
  let ended = false;
  const releaseSignals = onSignals(log);
  try {
    if (options.endpoint === null) {
      devChain = await startDevChain({ blockTime: 1, log });
      log.info({ endpoint: devChain.url }, 'no --endpoint given: started an embedded anvil dev chain');
    }
    const endpoint = options.endpoint ?? devChain!.url;
    // --header and --ca-file apply to every client of the endpoint (the dev chain needs neither).
    const access = devChain === null ? options.access : {};
    // The main client says, in one line, when undici carries the calls (a proxy, an HTTP/1.0 node).
    rpc = new JsonRpcClient(endpoint, { ...access, timeoutMs: options.rpcTimeoutMs, log });
    const stats = new RequestStats();
    const metricsRecorder = options.metrics === null ? null : new MetricsRecorder(stats);
    // --run-tasks prints every outcome, the mined ones the tracker records included.
    const printing = options.runTasks ? new PrintingRecorder(metricsRecorder ?? stats, (line) => process.stdout.write(`${line}\n`)) : null;
    const recorder = printing ?? metricsRecorder ?? stats;
    // Its own sockets: block reads must not queue behind thousands of users' sends. 32 of them:
    // after a drop storm every account's heal asks about its whole backlog at once (thousands of
    // lookups), and the blocks stay empty until the plans are made.
    trackerRpc = new JsonRpcClient(endpoint, { ...access, timeoutMs: options.rpcTimeoutMs, connections: 32 });
    // Blocks and transactions are read with eth_*, like every setup read (Kaia nodes answer them too).
    const newHeads = options.wsEndpoint === null ? null : { url: options.wsEndpoint, access };
    tracker = new InclusionTracker({ rpc: trackerRpc, namespace: 'eth', log, recorder, receiptTimeoutMs: options.tx.receiptTimeoutMs, newHeads });

    // With no endpoint and no key, the dev chain's funded account pays for the test accounts.
    const richKey = options.richKey ?? (devChain === null ? null : PrivateKey.parse(devChain.richKey, 'the dev chain'));
    // Test cases that need the chain wait for the node there (up to the connect timeout);
    // plain reads start at once and record an unreachable node as failures.
    if (devChain === null) await refuseLockedOut(rpc, endpoint);
    const ctx = createTestCaseContext({ rpc, endpoint, log, settings: options.tx, richKey, tracker, connectTimeoutMs: options.nodeConnectTimeoutMs });
    const tasks: Task[] = [];
    for (const { testCase, weight } of options.testCases) {
      const ready = await testCase.setup(ctx);
      prepared.push(ready);
      tasks.push({ name: testCase.name, weight, run: (user) => ready.run(user) });
    }

    const limiter = createRateLimiter({ maxRps: options.maxRps, mode: options.rpsMode, increaseRate: options.requestIncreaseRate });
    const pool = new UserPool({ tasks, limiter, recorder, log });
    if (metricsRecorder !== null) {
      const state = (): WorkerState => (ended ? 'stopped' : pool.count > 0 ? 'running' : 'ready');
      metrics = await serveMetrics(
        createMetricsRegistry({ recorder: metricsRecorder, users: () => pool.countsByTask(), rpsCap: () => limiter.cap, state }),
        options.metrics!,
      );
      log.info({ url: metrics.url }, 'serving Prometheus metrics');
    }

    const backlog = { backlog: tracker, drainTimeoutMs: options.drainTimeoutMs };
    // The per-second record behind PREFIX_stats_history.csv and the HTML charts.
    if (options.csvPrefix !== null || options.htmlFile !== null) {
      history = await startLiveHistory({
        stats,
        users: () => pool.count,
        csvPath: options.csvPrefix === null ? null : `${options.csvPrefix}_stats_history.csv`,
        fullHistory: options.csvFullHistory,
      });
    }
    const startedAt = Date.now();
    let outcome: { exitCode: number; durationS: number; peakUsers: number };
    if (printing !== null) {
      const start = performance.now();
      const failures = await runEachOnce({ tasks, recorder: printing, ...backlog, print: (line) => process.stdout.write(`${line}\n`) });
      outcome = { exitCode: failures > 0 ? 1 : 0, durationS: (performance.now() - start) / 1000, peakUsers: 1 };
    } else if (options.standalone) {
      const runner = new StandaloneRunner({
        users: options.users,
        spawnRate: options.spawnRate,
        runTimeMs: options.runTimeMs,
        stopGraceMs: options.stopTimeoutMs,
        ...backlog,
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
      const runner = new WorkerRunner({
        host: options.masterHost,
        port: options.masterPort,
        pool,
        stats,
        limiter,
        ...backlog,
        log,
        connectTimeoutMs: options.connectTimeoutMs,
        transport: options.legacy09 ? 'push-pull' : 'dealer',
      });
      releaseSignals.attach(runner);
      outcome = await runner.run();
    }

    ended = true;
    // A failed write of the history must not cost the other reports.
    await history?.stop().catch((err: unknown) => log.error({ err: String(err) }, 'writing the stats history failed'));
    const transactions = tracker.counts();
    const summary = stats.summary(outcome.durationS);
    if (summary.total.requests > 0) process.stderr.write(`\n${renderTable(summary.rows, summary.total)}\n`);
    log.info(
      { requests: summary.total.requests, failures: summary.total.failures, rps: round2(summary.total.rps), durationS: round2(outcome.durationS) },
      'summary',
    );
    if (transactions.accepted > 0) log.info(transactions, 'transactions: accepted by the node, then mined or dropped by the chain, or unresolved at the end');
    const snapshot = stats.snapshot();
    if (options.csvPrefix !== null) await writeCsvFiles(options.csvPrefix, snapshot, taskExceptions(snapshot.errors));
    if (options.htmlFile !== null) {
      await writeHtmlReport(options.htmlFile, {
        startedAt,
        endedAt: Date.now(),
        durationS: outcome.durationS,
        peakUsers: outcome.peakUsers,
        mode: options.standalone ? 'standalone' : "worker (this worker's numbers only)",
        rows: summary.rows,
        total: summary.total,
        errors: summary.errors,
        points: history?.points ?? [],
        transactions,
      });
    }
    if (options.jsonFile !== null) {
      await writeSummaryJson(
        options.jsonFile,
        buildSummaryJson({ durationS: outcome.durationS, users: outcome.peakUsers, rows: summary.rows, total: summary.total, transactions }),
      );
    }
    return outcome.exitCode;
  } finally {
    releaseSignals.release();
    await history?.stop().catch((err: unknown) => log.warn({ err: String(err) }, 'writing the stats history failed'));
    for (const p of prepared) await p.teardown?.().catch((err: unknown) => log.warn({ err: String(err) }, 'test case teardown failed'));
    await tracker?.close();
    await trackerRpc?.close().catch(() => undefined);
    await rpc?.close().catch(() => undefined);
    await metrics?.close();
    await devChain?.stop();
  }
}

/** `klayworker refund`: sweeps the test accounts (and the node-signed ones) of this key and seed back to the rich account. */
export async function runRefund(options: RefundOptions, log: Logger): Promise<number> {
  const rpc = new JsonRpcClient(options.endpoint, { ...options.access, timeoutMs: options.rpcTimeoutMs, log });
  try {
    const chainId = await waitForNode(rpc, { timeoutMs: options.nodeConnectTimeoutMs, endpoint: options.endpoint, log });
    const richKey = options.richKey!;
    const rich = signerAccount(richKey);
    const { accountSeed, nodeSignedAccounts = DEFAULT_NODE_SIGNED_ACCOUNTS } = options.tx;
    const accounts = [...deriveTestAccounts(richKey, accountSeed, options.tx.accounts), ...deriveNodeSignedAccounts(richKey, accountSeed, nodeSignedAccounts)];
    const report = await refundAccounts({ rpc, log, chainId, richAddress: rich.address, accounts, timeoutMs: options.tx.receiptTimeoutMs });
    logRefund(log, report, accounts.length, rich.address);
    return 0;
  } finally {
    await rpc.close().catch(() => undefined);
  }
}

/**
 * Locust's `_exceptions.csv` lists exceptions that escaped a task (with their Python
 * traceback). Ours are the errors a test case threw (recorded as failures of type "task"):
 * one row per message, no traceback (none is kept), this process as the node.
 */
function taskExceptions(errors: readonly ErrorRow[]): ExceptionRow[] {
  return errors
    .filter((e) => e.method === TASK_ERROR_TYPE)
    .map((e) => ({ count: e.occurrences, message: `${e.name}: ${e.error}`, traceback: '', nodes: ['local'] }));
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

/**
 * The raw flags (strings from commander or the environment) as typed options: one line per
 * flag using the value parsers of flag-values.ts, then the checks across flags. Every problem
 * is a one-line UsageError naming the flag.
 */
import { runAloneProblem, type TestCase } from '../api/test-case.js';
import type { ChainOptions, Options, RefundOptions } from '../app/options.js';
import { loadRichKey } from '../chain/keys.js';
import { RPC_NAMESPACES, type RpcNamespace } from '../chain/rpc-namespace.js';
import { MEMO_SIZES } from '../chain/tx-session.js';
import type { IncreaseRate } from '../runner/limiter/limiter.js';
import { parseIncreaseRate } from '../runner/limiter/rate-limiter.js';
import { errorMessage, UsageError } from '../util/errors.js';
import { LOG_LEVELS } from '../util/log.js';
import { caFile, coinAmount, duration, headers, host, integer, nonEmpty, oneOf, positiveNumber, url } from './flag-values.js';
import { flagDefaults, type RawFlags } from './flags.js';
import { parseTestCaseSpec } from './test-case-spec.js';

/** The flags as commander hands them over: strings, booleans, or absent (see flags.ts). */
export type RawOptions = RawFlags<'run'>;

/** `klayworker refund`'s flags. */
export type RawRefundOptions = RawFlags<'refund'>;

/** --connect-timeout's default for the node (the master's default is to wait forever). */
export const NODE_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Where each value came from when not from a flag: the environment variable that set it, by
 * the flag's long spelling (`{ '--max-rps': 'KLAYWORKER_MAX_RPS' }`), so that an error names
 * what the user actually wrote. See env-flags.ts.
 */
export type FlagLabels = Readonly<Record<string, string>>;

/** The name an error uses for `flag` ('--max-rps', or '-u/--users'): the variable that set it, else the flag. */
function namer(labels: FlagLabels): (flag: string) => string {
  return (flag) => labels[flag.split('/').at(-1)!] ?? flag;
}

/**
 * Validates every flag once; the first problem becomes a UsageError naming the flag (or the
 * environment variable that gave it). `available`: the test cases --tc may name (the built-ins
 * and those loaded from --tc-module).
 */
export function parseOptions(raw: RawOptions, available: readonly TestCase[], env: NodeJS.ProcessEnv = process.env, labels: FlagLabels = {}): Options {
  const n = namer(labels);
  const standalone = raw.standalone === true;
  const runTasks = raw.runTasks !== undefined;
  if (!standalone) {
    for (const [flag, value] of [
      ['-u/--users', raw.users],
      ['-r/--spawn-rate', raw.spawnRate],
      ['-t/--run-time', raw.runTime],
    ] as const) {
      if (value !== undefined) throw new UsageError(`${n(flag)} applies only with --standalone (with a master, the master sets users and rate)`);
    }
  }
  if (runTasks && standalone) throw new UsageError(`${n('--run-tasks')} runs each test case once on its own: leave out ${n('--standalone')}`);
  if (!runTasks && (raw.tc === undefined || raw.tc.trim() === '')) {
    throw new UsageError('--tc is required: name the test cases to run, e.g. --tc blockNumber (see --help for the list)');
  }
  const testCases = runTasks ? tasksToRun(raw.runTasks!, raw.tc, available, n) : testCaseSpec(n('--tc'), raw.tc!, available);
  const mustRunAlone = runAloneProblem(testCases.map((t) => t.testCase));
  if (mustRunAlone !== undefined) throw new UsageError(mustRunAlone);
  let requestIncreaseRate: IncreaseRate | null = null;
  if (raw.requestIncreaseRate !== undefined) {
    try {
      requestIncreaseRate = parseIncreaseRate(raw.requestIncreaseRate);
    } catch (err) {
      throw new UsageError(errorMessage(err).replace(/^--request-increase-rate/, n('--request-increase-rate')));
    }
  }
  const processes = integer(n('--processes'), raw.processes, 1, MAX_PROCESSES);
  const maxRps = integer(n('--max-rps'), raw.maxRps, 0, 100_000_000);
  if (processes > 1) {
    if (standalone || runTasks) {
      const mode = standalone ? 'a --standalone' : 'a --run-tasks';
      throw new UsageError(`${n('--processes')} applies only with a master, which combines the processes' statistics; ${mode} run uses one process`);
    }
    if (maxRps > 0 && maxRps < processes) {
      throw new UsageError(`${n('--max-rps')} ${maxRps} cannot be split over ${processes} processes: each needs at least 1 request per second`);
    }
    if (requestIncreaseRate !== null && requestIncreaseRate.step < processes) {
      throw new UsageError(
        `${n('--request-increase-rate')}: a step of ${requestIncreaseRate.step} cannot be split over ${processes} processes: each needs at least 1`,
      );
    }
  }
  if (raw.wsEndpoint !== undefined && raw.endpoint === undefined) {
    throw new UsageError(
      `${n('--ws-endpoint')} needs ${n('--endpoint')}: it is the WebSocket endpoint of that same node (the embedded dev chain is followed without it)`,
    );
  }
  const chain = chainOptions(raw, env, n);
  const activePercent = integer(n('--active-percent'), raw.activePercent, 1, 100);
  const activeAccounts = Math.floor((chain.tx.accounts * activePercent) / 100);
  if (activeAccounts < 1) {
    throw new UsageError(
      `${n('--active-percent')} ${activePercent} of ${chain.tx.accounts} accounts leaves none to send from: give more ${n('--accounts')} or a higher percent`,
    );
  }
  return {
    ...chain,
    tx: { ...chain.tx, activeAccounts },
    standalone,
    runTasks,
    legacy09: raw['locustLegacy0.9'] === true,
    users: integer(n('-u/--users'), raw.users ?? '1', 0, 10_000_000),
    spawnRate: positiveNumber(n('-r/--spawn-rate'), raw.spawnRate ?? '1'),
    runTimeMs: raw.runTime === undefined ? null : duration(n('-t/--run-time'), raw.runTime, 1),
    csvPrefix: nonEmpty(n('--csv'), raw.csv),
    csvFullHistory: csvFullHistory(raw, n),
    jsonFile: nonEmpty(n('--json'), raw.json),
    htmlFile: nonEmpty(n('--html'), raw.html),
    masterHost: host(n('--master-host'), raw.masterHost),
    masterPort: integer(n('--master-port'), raw.masterPort, 1, 65_535),
    connectTimeoutMs: raw.connectTimeout === undefined ? null : duration(n('--connect-timeout'), raw.connectTimeout, 1),
    maxRps,
    rpsMode: oneOf(n('--rps-mode'), raw.rpsMode, ['bucket', 'smooth'] as const),
    requestIncreaseRate,
    testCases,
    endpoint: raw.endpoint === undefined ? null : url(n('--endpoint'), raw.endpoint),
    wsEndpoint: raw.wsEndpoint === undefined ? null : url(n('--ws-endpoint'), raw.wsEndpoint, 'ws'),
    stopTimeoutMs: duration(n('--stop-timeout'), raw.stopTimeout, 0),
    drainTimeoutMs: duration(n('--drain-timeout'), raw.drainTimeout, 0),
    processes,
    metrics: raw.metricsPort === undefined ? null : metricsListen(n('--metrics-port'), raw.metricsPort, processes),
  };
}

function testCaseSpec(label: string, spec: string, available: readonly TestCase[]): Options['testCases'] {
  return parseTestCaseSpec(spec, available, label);
}

/**
 * `--run-tasks a,b`: the test cases to run once each. With --tc too (a Go command line that
 * names its test cases and then picks some to try, as Boomer does), each must be one of --tc's.
 */
function tasksToRun(list: string, tc: string | undefined, available: readonly TestCase[], n: (flag: string) => string): Options['testCases'] {
  const picked = testCaseSpec(n('--run-tasks'), list, available);
  if (tc !== undefined) {
    const among = testCaseSpec(n('--tc'), tc, available).map((t) => t.testCase);
    const stray = picked.find((p) => !among.includes(p.testCase));
    if (stray !== undefined)
      throw new UsageError(`${n('--run-tasks')}: ${stray.testCase.name} is not one of ${n('--tc')}'s test cases (${among.map((t) => t.name).join(', ')})`);
  }
  return picked;
}

/** --csv-full-history needs --csv. */
function csvFullHistory(raw: RawOptions, n: (flag: string) => string): boolean {
  if (raw.csvFullHistory === true && raw.csv === undefined)
    throw new UsageError(`${n('--csv-full-history')} applies only with ${n('--csv')} PREFIX (it adds rows to PREFIX_stats_history.csv)`);
  return raw.csvFullHistory === true;
}

/** More worker processes than this is a typo, not a machine. */
const MAX_PROCESSES = 256;

/** `--metrics-port 9464` (every interface) or `--metrics-port 127.0.0.1:9464`; with --processes, process i takes PORT+i. */
function metricsListen(flag: string, text: string, processes: number): { host: string; port: number } {
  const split = text.lastIndexOf(':');
  const hostText = split > 0 ? text.slice(0, split) : '0.0.0.0';
  const portText = split >= 0 ? text.slice(split + 1) : text;
  const port = integer(flag, portText, 0, 65_535);
  if (port > 0 && port + processes - 1 > 65_535) throw new UsageError(`${flag}: ports ${port} to ${port + processes - 1} (one per process) do not all exist`);
  return { host: host(flag, hostText), port };
}

/** Validates `klayworker refund`'s flags: an endpoint and a rich key are required. */
export function parseRefundOptions(raw: RawRefundOptions, env: NodeJS.ProcessEnv = process.env, labels: FlagLabels = {}): RefundOptions {
  const n = namer(labels);
  if (raw.endpoint === undefined) throw new UsageError('refund: --endpoint is required (the chain whose test accounts to sweep)');
  const endpoint = url(n('--endpoint'), raw.endpoint);
  const options = chainOptions({ ...flagDefaults('run'), ...raw }, env, n);
  if (options.richKey === null)
    throw new UsageError('refund: a rich key is required (the same one the test used): give --key-file PATH or KLAYWORKER_KEY (or --key)');
  return { ...options, endpoint };
}

type RawChainOptions = Pick<
  RawOptions,
  | 'keyFile'
  | 'key'
  | 'accounts'
  | 'nodeSignedAccounts'
  | 'accountSeed'
  | 'charge'
  | 'txType'
  | 'rpcNamespace'
  | 'memoSize'
  | 'receiptTimeout'
  | 'maxPending'
  | 'connectTimeout'
  | 'rpcTimeout'
  | 'logLevel'
  | 'logFormat'
  | 'header'
  | 'caFile'
>;

function chainOptions(raw: RawChainOptions, env: NodeJS.ProcessEnv, n: (flag: string) => string): ChainOptions {
  const loaded = loadRichKey({ keyFile: raw.keyFile, keyFileLabel: n('--key-file'), key: raw.key, env });
  if (raw.accountSeed === '') throw new UsageError(`${n('--account-seed')}: expected a non-empty string`);
  return {
    richKey: loaded.key,
    richKeyOrigin: loaded.origin,
    warnings: loaded.warnings,
    access: { headers: headers(n('--header'), raw.header ?? []), ca: raw.caFile === undefined ? [] : caFile(n('--ca-file'), raw.caFile) },
    nodeConnectTimeoutMs: raw.connectTimeout === undefined ? NODE_CONNECT_TIMEOUT_MS : duration(n('--connect-timeout'), raw.connectTimeout, 1),
    rpcTimeoutMs: duration(n('--rpc-timeout'), raw.rpcTimeout, 1),
    tx: {
      txType: oneOf(n('--tx-type'), raw.txType, ['auto', 'legacy', '1559'] as const),
      rpcNamespace: oneOf<RpcNamespace>(n('--rpc-namespace'), raw.rpcNamespace, RPC_NAMESPACES),
      accounts: integer(n('--accounts'), raw.accounts, 1, 1_000_000),
      nodeSignedAccounts: integer(n('--node-signed-accounts'), raw.nodeSignedAccounts, 1, 1_000_000),
      accountSeed: raw.accountSeed,
      chargeWei: coinAmount(n('--charge'), raw.charge),
      receiptTimeoutMs: duration(n('--receipt-timeout'), raw.receiptTimeout, 1),
      memoSize: oneOf(n('--memo-size'), raw.memoSize, MEMO_SIZES),
      maxPending: integer(n('--max-pending'), raw.maxPending, 0, 1_000_000),
    },
    logLevel: oneOf(n('--log-level'), raw.logLevel, LOG_LEVELS),
    logFormat: oneOf(n('--log-format'), raw.logFormat, ['text', 'json'] as const),
  };
}

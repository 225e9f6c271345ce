/**
 * `--processes N`: one klayworker per core. The parent forks N children, each a complete
 * Locust worker with its own node id, its own test accounts (`--account-seed <seed>-<i>`) and
 * its share of `--max-rps` (split exactly, so the total is what was asked), then waits for
 * them. The master combines their statistics, as it does for any set of workers; that is why
 * a standalone run (which has no master) keeps to one process.
 *
 * Children die with the parent, however it dies: each watches its IPC channel to the parent
 * and stops when it closes (a SIGKILL of the parent closes it too). They run in their own
 * process group, so a Ctrl-C in the terminal reaches the parent only, which passes it on once.
 * Without --endpoint the parent starts one embedded dev chain for all of them and hands the
 * children its URL in argv and its key in the environment; a user's key, endpoint (which may
 * hold credentials) and --header values, however given, reach them through the environment
 * too, never through argv.
 */
import { type ChildProcess, fork } from 'node:child_process';

import type { Logger } from 'pino';

import { KEY_ENV } from '../chain/keys.js';
import { headerLines } from '../rpc/endpoint.js';
import { type DevChain, startDevChain } from './dev-chain.js';
import type { Options } from './options.js';
import { PROCESS_INDEX_ENV } from './process-index.js';

/** The variables of --endpoint, --ws-endpoint and --header (env-flags.ts reads them in the child). */
export const ENDPOINT_ENV = 'KLAYWORKER_ENDPOINT';
export const WS_ENDPOINT_ENV = 'KLAYWORKER_WS_ENDPOINT';
export const HEADER_ENV = 'KLAYWORKER_HEADER';
/** A child that lost its parent gets this long to quit its master cleanly before it exits. */
const ORPHAN_GRACE_MS = 5_000;

/** `total` split into `parts` whole shares that differ by at most one, larger first: 10/3 → 4,3,3. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** `summary.json` → `summary-1.json`, `out/run` → `out/run-1`: one file per process. */
export function perProcessPath(path: string, index: number): string {
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  return dot > slash + 1 ? `${path.slice(0, dot)}-${index}${path.slice(dot)}` : `${path}-${index}`;
}

export interface ChildPlan {
  readonly index: number;
  /** The arguments after the script path. */
  readonly argv: string[];
}

/**
 * Each child's argv: `base` (the parent's, without the flags set per child: the CLI's flag
 * table marks them) with its own seed, rps share, files and the dev chain's endpoint.
 */
export function childPlans(base: readonly string[], options: Options, endpoint: string): ChildPlan[] {
  const n = options.processes;
  const rps = splitEvenly(options.maxRps, n);
  const steps = options.requestIncreaseRate === null ? null : splitEvenly(options.requestIncreaseRate.step, n);
  return Array.from({ length: n }, (_, index) => {
    const own = ['--account-seed', `${options.tx.accountSeed}-${index}`, '--max-rps', String(rps[index])];
    if (steps !== null) own.push('--request-increase-rate', `${steps[index]}/${options.requestIncreaseRate!.periodMs}ms`);
    if (options.jsonFile !== null) own.push('--json', perProcessPath(options.jsonFile, index));
    if (options.csvPrefix !== null) own.push('--csv', `${options.csvPrefix}-${index}`);
    if (options.htmlFile !== null) own.push('--html', perProcessPath(options.htmlFile, index));
    if (options.metrics !== null) {
      const { host, port } = options.metrics;
      own.push('--metrics-port', `${host.includes(':') ? `[${host}]` : host}:${port === 0 ? 0 : port + index}`);
    }
    if (options.endpoint === null) own.push('--endpoint', endpoint);
    return { index, argv: [...base, ...own] };
  });
}

/**
 * The environment every child gets: `env` (the user's, without per-child variables) with the
 * secrets their argv leaves out (see childBaseArgs in the CLI's flag table): the rich key (a
 * user's, however given, else `devChainKey`), the endpoints (credentials in their URLs, an API
 * key in a query) and --header's values, as the variables the child's CLI reads them from.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, options: Options, devChainKey: string | null): NodeJS.ProcessEnv {
  // The parent's headers, wherever it read them from (the command line wins over a variable).
  const out: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name !== HEADER_ENV));
  if (options.richKey !== null) out[KEY_ENV] = options.richKey.reveal();
  else if (devChainKey !== null) out[KEY_ENV] = devChainKey;
  if (options.endpoint !== null) out[ENDPOINT_ENV] = options.endpoint;
  if (options.wsEndpoint !== null) out[WS_ENDPOINT_ENV] = options.wsEndpoint;
  if (options.access.headers.length > 0) out[HEADER_ENV] = headerLines(options.access.headers);
  return out;
}

/** What every child starts from: the user's arguments and environment, without what is set per child. */
export interface ChildBase {
  /** The arguments without the flags set per child (see childPlans), and without --key. */
  argv: readonly string[];
  /** The environment without the variables of those flags (the CLI reads flags from the environment too). */
  env: NodeJS.ProcessEnv;
}

/**
 * The parent of `--processes N`: forks the children, passes signals on, and returns the first
 * non-zero exit code among them (0 when all succeeded).
 */
export async function runProcesses(options: Options, base: ChildBase, log: Logger): Promise<number> {
  let devChain: DevChain | null = null;
  const children: ChildProcess[] = [];
  const forward = (signal: NodeJS.Signals): void => {
    log.info({ signal }, `passing ${signal} on to the worker processes`);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    if (options.endpoint === null) {
      devChain = await startDevChain({ blockTime: 1, log });
      log.info({ endpoint: devChain.url }, 'no --endpoint given: started an embedded anvil dev chain for all worker processes');
    }
    const env = childEnvironment(base.env, options, devChain?.richKey ?? null);
    const plans = childPlans(base.argv, options, devChain?.url ?? options.endpoint!);
    log.info({ processes: plans.length, maxRps: splitEvenly(options.maxRps, plans.length) }, 'starting worker processes');
    const exits = plans.map((plan) => {
      const child = fork(process.argv[1]!, plan.argv, {
        env: { ...env, [PROCESS_INDEX_ENV]: String(plan.index) },
        // Own process group: a terminal's Ctrl-C reaches the parent, which passes it on once.
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      log.info({ process: plan.index, pid: child.pid }, 'worker process started');
      return new Promise<number>((resolve) => {
        child.once('error', (err) => {
          log.error({ process: plan.index, err: err.message }, 'cannot start a worker process');
          resolve(1);
        });
        child.once('exit', (code, signal) => {
          const exitCode = code ?? 1;
          if (exitCode !== 0) log.warn({ process: plan.index, code, signal }, 'a worker process ended with an error');
          resolve(exitCode);
        });
      });
    });
    const codes = await Promise.all(exits);
    return codes.find((c) => c !== 0) ?? 0;
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await devChain?.stop();
  }
}

/**
 * In a child: when the parent's IPC channel closes (the parent died, even by SIGKILL), stop
 * the way a SIGTERM would (users stopped, `quit` to the master), and exit soon whatever happens.
 */
export function exitWithParent(log: Logger): void {
  if (process.send === undefined) return;
  process.once('disconnect', () => {
    log.warn('the parent process is gone: stopping');
    setTimeout(() => process.exit(1), ORPHAN_GRACE_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  });
  // The channel must not keep a child alive that has finished its run.
  process.channel?.unref();
}

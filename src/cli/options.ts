import { parseUnits } from 'ethers';

import { runAloneProblem, type TestCase } from '../api/test-case.js';
import type { ChainOptions, Options, RefundOptions } from '../app/options.js';
import { loadRichKey } from '../chain/keys.js';
import { RPC_NAMESPACES, type RpcNamespace } from '../chain/rpc-namespace.js';
import { MEMO_SIZES } from '../chain/tx-session.js';
import { parseIncreaseRate } from '../runner/limiter/rate-limiter.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { LOG_LEVELS } from '../util/log.js';
import { flagDefaults, type RawFlags } from './flags.js';
import { parseTestCaseSpec } from './test-case-spec.js';

/** The flags as commander hands them over: strings, booleans, or absent (see flags.ts). */
export type RawOptions = RawFlags<'run'>;

/** `klayworker refund`'s flags. */
export type RawRefundOptions = RawFlags<'refund'>;

/** --connect-timeout's default for the node (the master's default is to wait forever). */
export const NODE_CONNECT_TIMEOUT_MS = 30_000;

/** Validates every flag once; the first problem becomes a UsageError naming the flag. */
/** `available`: the test cases --tc may name (the built-ins and those loaded from --tc-module). */
export function parseOptions(raw: RawOptions, available: readonly TestCase[], env: NodeJS.ProcessEnv = process.env): Options {
  const standalone = raw.standalone === true;
  if (!standalone) {
    for (const [flag, value] of [
      ['-u/--users', raw.users],
      ['-r/--spawn-rate', raw.spawnRate],
      ['-t/--run-time', raw.runTime],
    ] as const) {
      if (value !== undefined) throw new UsageError(`${flag} applies only with --standalone (with a master, the master sets users and rate)`);
    }
  }
  if (raw.tc === undefined || raw.tc.trim() === '') {
    throw new UsageError('--tc is required: name the test cases to run, e.g. --tc blockNumber (see --help for the list)');
  }
  const testCases = parseTestCaseSpec(raw.tc, available);
  const mustRunAlone = runAloneProblem(testCases.map((t) => t.testCase));
  if (mustRunAlone !== undefined) throw new UsageError(mustRunAlone);
  const requestIncreaseRate = raw.requestIncreaseRate === undefined ? null : parseIncreaseRate(raw.requestIncreaseRate);
  const processes = integer('--processes', raw.processes, 1, MAX_PROCESSES);
  const maxRps = integer('--max-rps', raw.maxRps, 0, 100_000_000);
  if (processes > 1) {
    if (standalone) {
      throw new UsageError("--processes applies only with a master, which combines the processes' statistics; a --standalone run uses one process");
    }
    if (maxRps > 0 && maxRps < processes) {
      throw new UsageError(`--max-rps ${maxRps} cannot be split over ${processes} processes: each needs at least 1 request per second`);
    }
    if (requestIncreaseRate !== null && requestIncreaseRate.step < processes) {
      throw new UsageError(`--request-increase-rate: a step of ${requestIncreaseRate.step} cannot be split over ${processes} processes: each needs at least 1`);
    }
  }
  return {
    ...chainOptions(raw, env),
    standalone,
    legacy09: raw['locustLegacy0.9'] === true,
    users: integer('-u/--users', raw.users ?? '1', 0, 10_000_000),
    spawnRate: positiveNumber('-r/--spawn-rate', raw.spawnRate ?? '1'),
    runTimeMs: raw.runTime === undefined ? null : duration('-t/--run-time', raw.runTime, 1),
    csvPrefix: nonEmpty('--csv', raw.csv),
    csvFullHistory: csvFullHistory(raw),
    jsonFile: nonEmpty('--json', raw.json),
    htmlFile: nonEmpty('--html', raw.html),
    masterHost: host('--master-host', raw.masterHost),
    masterPort: integer('--master-port', raw.masterPort, 1, 65_535),
    connectTimeoutMs: raw.connectTimeout === undefined ? null : duration('--connect-timeout', raw.connectTimeout, 1),
    maxRps,
    rpsMode: oneOf('--rps-mode', raw.rpsMode, ['bucket', 'smooth'] as const),
    requestIncreaseRate,
    testCases,
    endpoint: raw.endpoint === undefined ? null : url('--endpoint', raw.endpoint),
    stopTimeoutMs: duration('--stop-timeout', raw.stopTimeout, 0),
    drainTimeoutMs: duration('--drain-timeout', raw.drainTimeout, 0),
    processes,
    metrics: raw.metricsPort === undefined ? null : metricsListen(raw.metricsPort, processes),
  };
}

function csvFullHistory(raw: RawOptions): boolean {
  if (raw.csvFullHistory === true && raw.csv === undefined)
    throw new UsageError('--csv-full-history applies only with --csv PREFIX (it adds rows to PREFIX_stats_history.csv)');
  return raw.csvFullHistory === true;
}

/** More worker processes than this is a typo, not a machine. */
const MAX_PROCESSES = 256;

/** `--metrics-port 9464` (every interface) or `--metrics-port 127.0.0.1:9464`; with --processes, process i takes PORT+i. */
function metricsListen(text: string, processes: number): { host: string; port: number } {
  const split = text.lastIndexOf(':');
  const hostText = split > 0 ? text.slice(0, split) : '0.0.0.0';
  const portText = split >= 0 ? text.slice(split + 1) : text;
  const port = integer('--metrics-port', portText, 0, 65_535);
  if (port > 0 && port + processes - 1 > 65_535)
    throw new UsageError(`--metrics-port: ports ${port} to ${port + processes - 1} (one per process) do not all exist`);
  return { host: host('--metrics-port', hostText), port };
}

/** Validates `klayworker refund`'s flags: an endpoint and a rich key are required. */
export function parseRefundOptions(raw: RawRefundOptions, env: NodeJS.ProcessEnv = process.env): RefundOptions {
  if (raw.endpoint === undefined) throw new UsageError('refund: --endpoint is required (the chain whose test accounts to sweep)');
  const endpoint = url('--endpoint', raw.endpoint);
  const options = chainOptions({ ...flagDefaults('run'), ...raw }, env);
  if (options.richKey === null)
    throw new UsageError('refund: a rich key is required (the same one the test used): give --key-file PATH or KLAYWORKER_KEY (or --key)');
  return { ...options, endpoint };
}

type RawChainOptions = Pick<
  RawOptions,
  | 'keyFile'
  | 'key'
  | 'accounts'
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
>;

function chainOptions(raw: RawChainOptions, env: NodeJS.ProcessEnv): ChainOptions {
  const loaded = loadRichKey({ keyFile: raw.keyFile, key: raw.key, env });
  if (raw.accountSeed === '') throw new UsageError('--account-seed: expected a non-empty string');
  return {
    richKey: loaded.key,
    richKeyOrigin: loaded.origin,
    warnings: loaded.warnings,
    nodeConnectTimeoutMs: raw.connectTimeout === undefined ? NODE_CONNECT_TIMEOUT_MS : duration('--connect-timeout', raw.connectTimeout, 1),
    rpcTimeoutMs: duration('--rpc-timeout', raw.rpcTimeout, 1),
    tx: {
      txType: oneOf('--tx-type', raw.txType, ['auto', 'legacy', '1559'] as const),
      rpcNamespace: oneOf<RpcNamespace>('--rpc-namespace', raw.rpcNamespace, RPC_NAMESPACES),
      accounts: integer('--accounts', raw.accounts, 1, 1_000_000),
      accountSeed: raw.accountSeed,
      chargeWei: coinAmount('--charge', raw.charge),
      receiptTimeoutMs: duration('--receipt-timeout', raw.receiptTimeout, 1),
      memoSize: oneOf('--memo-size', raw.memoSize, MEMO_SIZES),
      maxPending: integer('--max-pending', raw.maxPending, 0, 1_000_000),
    },
    logLevel: oneOf('--log-level', raw.logLevel, LOG_LEVELS),
    logFormat: oneOf('--log-format', raw.logFormat, ['text', 'json'] as const),
  };
}

/** A positive amount of the chain's coin (KAIA, ETH) with up to 18 decimals, as wei. */
function coinAmount(flag: string, text: string): bigint {
  const trimmed = text.trim();
  const wei = /^\d{1,30}(\.\d{1,18})?$/.test(trimmed) ? parseUnits(trimmed, 18) : 0n;
  if (wei <= 0n) throw new UsageError(`${flag}: expected a positive amount of coins (KAIA/ETH) with up to 18 decimals, e.g. 1 or 0.05, got ${show(text)}`);
  return wei;
}

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got ${show(text)}`);
  }
  return value;
}

function positiveNumber(flag: string, text: string): number {
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${flag}: expected a number above 0, got ${show(text)}`);
  return value;
}

function duration(flag: string, text: string, minMs: number): number {
  const ms = parseDuration(text);
  if (ms === null || ms < minMs) {
    throw new UsageError(`${flag}: expected a time span such as 30s, 1m30s, 2h or a number of seconds${minMs > 0 ? ' (above 0)' : ''}, got ${show(text)}`);
  }
  return ms;
}

function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got ${show(text)}`);
  return text as T;
}

function nonEmpty(flag: string, text: string | undefined): string | null {
  if (text === undefined) return null;
  if (text.trim() === '') throw new UsageError(`${flag}: expected a path, got an empty string`);
  return text;
}

function host(flag: string, text: string): string {
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(text)) throw new UsageError(`${flag}: expected a host name or IP address, got ${show(text)}`);
  return text.replace(/^\[(.*)\]$/, '$1');
}

function url(flag: string, text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`${flag}: expected an http(s) URL such as http://127.0.0.1:8545, got ${show(text)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${flag}: expected an http:// or https:// URL, got ${show(text)}`);
  }
  return text;
}

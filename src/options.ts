import { parseDuration } from './duration.js';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './log.js';
import { parseIncreaseRate, type IncreaseRate } from './runner/rate-limiter.js';
import { parseTestCaseSpec } from '../testcases/registry.js';
import type { TestCase } from '../testcases/types.js';

/** Bad command-line input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The flags as commander hands them over: strings, booleans, or absent. */
export interface RawOptions {
  standalone?: boolean;
  users?: string;
  spawnRate?: string;
  runTime?: string;
  csv?: string;
  json?: string;
  masterHost: string;
  masterPort: string;
  connectTimeout?: string;
  maxRps: string;
  rpsMode: string;
  requestIncreaseRate?: string;
  tc?: string;
  endpoint?: string;
  rpcTimeout: string;
  stopTimeout: string;
  logLevel: string;
  logFormat: string;
}

export interface Options {
  standalone: boolean;
  users: number;
  spawnRate: number;
  /** null: run until interrupted. */
  runTimeMs: number | null;
  csvPrefix: string | null;
  jsonFile: string | null;
  masterHost: string;
  masterPort: number;
  /** null: wait for the master forever. */
  connectTimeoutMs: number | null;
  maxRps: number;
  rpsMode: 'bucket' | 'smooth';
  requestIncreaseRate: IncreaseRate | null;
  testCases: { testCase: TestCase; weight: number }[];
  /** null: start the embedded dev chain. */
  endpoint: string | null;
  rpcTimeoutMs: number;
  stopTimeoutMs: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** Validates every flag once; the first problem becomes a UsageError naming the flag. */
export function parseOptions(raw: RawOptions): Options {
  const standalone = raw.standalone === true;
  if (!standalone) {
    for (const [flag, value] of [['-u/--users', raw.users], ['-r/--spawn-rate', raw.spawnRate], ['-t/--run-time', raw.runTime]] as const) {
      if (value !== undefined) throw new UsageError(`${flag} applies only with --standalone (with a master, the master sets users and rate)`);
    }
  }
  if (raw.tc === undefined || raw.tc.trim() === '') {
    throw new UsageError('--tc is required: name the test cases to run, e.g. --tc blockNumber (see --help for the list)');
  }
  let testCases: Options['testCases'];
  try {
    testCases = parseTestCaseSpec(raw.tc);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  let requestIncreaseRate: IncreaseRate | null = null;
  if (raw.requestIncreaseRate !== undefined) {
    try {
      requestIncreaseRate = parseIncreaseRate(raw.requestIncreaseRate);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
  return {
    standalone,
    users: integer('-u/--users', raw.users ?? '1', 0, 10_000_000),
    spawnRate: positiveNumber('-r/--spawn-rate', raw.spawnRate ?? '1'),
    runTimeMs: raw.runTime === undefined ? null : duration('-t/--run-time', raw.runTime, 1),
    csvPrefix: nonEmpty('--csv', raw.csv),
    jsonFile: nonEmpty('--json', raw.json),
    masterHost: host('--master-host', raw.masterHost),
    masterPort: integer('--master-port', raw.masterPort, 1, 65_535),
    connectTimeoutMs: raw.connectTimeout === undefined ? null : duration('--connect-timeout', raw.connectTimeout, 1),
    maxRps: integer('--max-rps', raw.maxRps, 0, 100_000_000),
    rpsMode: oneOf('--rps-mode', raw.rpsMode, ['bucket', 'smooth'] as const),
    requestIncreaseRate,
    testCases,
    endpoint: raw.endpoint === undefined ? null : url('--endpoint', raw.endpoint),
    rpcTimeoutMs: duration('--rpc-timeout', raw.rpcTimeout, 1),
    stopTimeoutMs: duration('--stop-timeout', raw.stopTimeout, 0),
    logLevel: oneOf('--log-level', raw.logLevel, LOG_LEVELS),
    logFormat: oneOf('--log-format', raw.logFormat, ['text', 'json'] as const),
  };
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
  if (!/^[A-Za-z0-9.\-:\[\]]+$/.test(text)) throw new UsageError(`${flag}: expected a host name or IP address, got ${show(text)}`);
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

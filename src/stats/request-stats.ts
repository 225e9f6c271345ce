import { createHash } from 'node:crypto';

import type { BatchRecorder } from '../stats/recorder.js';
import { responseTimeBucket } from './bucket.js';
import { currentRate, type SampleBatch, StatsEntry } from './entry.js';
import { medianResponseTime, responseTimePercentiles } from './percentile.js';
import type { StatsReport, SummaryRow, WireError, WireStatsEntry } from './types.js';

/** Locust's name for the all-requests entry. */
export const AGGREGATED = 'Aggregated';

/** Seconds of per-second counts a run keeps: the current rate looks 12 s back at most. */
const RUN_RATE_SECONDS = 20;

/** A summary row plus the live rate the console table shows. */
export interface LiveRow extends SummaryRow {
  /** Locust's current_rps (see `currentRate`). */
  current_rps: number;
}

/** One (method, name, error) of the run, with the key it goes under on the wire. */
export interface ErrorRow extends WireError {
  key: string;
}

export interface StatsSummary {
  /** Sorted by (type, name). */
  rows: LiveRow[];
  total: LiveRow;
  /** Sorted by key, as Locust orders its failures CSV. */
  errors: ErrorRow[];
}

/** A copy of the run view (cumulative since the last reset), for the CSV writers. */
export interface RunSnapshot {
  /** In no particular order. */
  entries: WireStatsEntry[];
  total: WireStatsEntry;
  /** Sorted by key. */
  errors: ErrorRow[];
}

export interface RequestStatsOptions {
  /** Wall clock in epoch milliseconds. */
  now?: () => number;
}

interface ErrorTally {
  key: string | undefined;
  window: number;
  run: number;
}

/** Everything kept for one (type, name): one lookup on the hot path reaches all of it. */
interface Slot {
  window: StatsEntry;
  run: StatsEntry;
  errors: Map<string, ErrorTally>;
}

/**
 * The only writer of statistics. Every sample lands in two views: the report window (deltas
 * since the last `takeReport`, which is what a Locust master expects) and the run
 * (cumulative since the last `reset`, for the console table and the summaries).
 */
export class RequestStats implements BatchRecorder {
  readonly #now: () => number;
  readonly #slots = new Map<string, Map<string, Slot>>();
  readonly #windowTotal: StatsEntry;
  readonly #runTotal: StatsEntry;

  constructor(options: RequestStatsOptions = {}) {
    // A wrapper, not Date.now itself: V8 calls the bare builtin off its receiver much slower.
    this.#now = options.now ?? (() => Date.now());
    const nowS = this.#now() / 1000;
    this.#windowTotal = new StatsEntry(AGGREGATED, '', nowS);
    this.#runTotal = new StatsEntry(AGGREGATED, '', nowS, RUN_RATE_SECONDS);
  }

  get totalRequests(): number {
    return this.#runTotal.numRequests;
  }

  get totalFailures(): number {
    return this.#runTotal.numFailures;
  }

  success(type: string, name: string, responseTimeMs: number, contentLength: number): void {
    if (!Number.isFinite(contentLength)) {
      throw new RangeError(`content length must be a finite number of bytes, got ${contentLength}`);
    }
    const nowS = this.#now() / 1000;
    this.#logRequest(type, name, nowS, Math.trunc(nowS), responseTimeMs, contentLength);
  }

  /** The same as a `success` (no content) for each time, in one pass over the entries. */
  successes(type: string, name: string, responseTimesMs: readonly number[]): void {
    if (responseTimesMs.length === 0) return;
    const batch = sampleBatch(responseTimesMs); // throws on a non-finite time before anything is counted
    const nowS = this.#now() / 1000;
    const second = Math.trunc(nowS);
    const slot = this.#slot(type, name, nowS);
    slot.window.logRequests(nowS, second, batch);
    slot.run.logRequests(nowS, second, batch);
    this.#windowTotal.logRequests(nowS, second, batch);
    this.#runTotal.logRequests(nowS, second, batch);
  }

  /** Like Locust: the request is logged (histogram included), then the error. */
  failure(type: string, name: string, responseTimeMs: number, error: string): void {
    const nowS = this.#now() / 1000;
    const second = Math.trunc(nowS);
    const slot = this.#logRequest(type, name, nowS, second, responseTimeMs, 0);
    slot.window.logError(second);
    slot.run.logError(second);
    this.#windowTotal.logError(second);
    this.#runTotal.logError(second);
    let tally = slot.errors.get(error);
    if (tally === undefined) {
      tally = { key: undefined, window: 0, run: 0 };
      slot.errors.set(error, tally);
    }
    tally.window++;
    tally.run++;
  }

  /**
   * The `stats`, `stats_total` and `errors` of a Locust `stats` message for the window that
   * ends now; the window then starts over. Entries without activity are left out and keep
   * their start time, as a Python worker does.
   */
  takeReport(): StatsReport {
    const nowS = this.#now() / 1000;
    const stats: WireStatsEntry[] = [];
    const errors: Record<string, WireError> = {};
    for (const [type, byName] of this.#slots) {
      for (const [name, slot] of byName) {
        if (slot.window.hasActivity) {
          stats.push(slot.window.toWire());
          slot.window.reset(nowS);
        }
        for (const [error, tally] of slot.errors) {
          if (tally.window === 0) continue;
          const key = (tally.key ??= errorKey(type, name, error));
          const seen = errors[key];
          // Distinct triples can join into one key string ("a.b"+"c" vs "a"+"b.c"); the
          // master would merge them under that key anyway, so count them together.
          if (seen) seen.occurrences += tally.window;
          else errors[key] = { name, method: type, error, occurrences: tally.window };
          tally.window = 0;
        }
      }
    }
    const stats_total = this.#windowTotal.toWire();
    this.#windowTotal.reset(nowS);
    return { stats, stats_total, errors };
  }

  /** The start of a new test: both views are emptied and start now. */
  reset(): void {
    const nowS = this.#now() / 1000;
    this.#slots.clear();
    this.#windowTotal.reset(nowS);
    this.#runTotal.reset(nowS);
  }

  /** Rows of the run view; `rps` is requests per second over `durationS`. */
  summary(durationS: number): StatsSummary {
    const last = this.#runTotal.lastRequestTimestamp;
    const start = this.#runTotal.startTime;
    const rows: LiveRow[] = [];
    for (const byName of this.#slots.values()) {
      for (const slot of byName.values()) {
        if (slot.run.hasActivity) rows.push(liveRow(slot.run, durationS, last, start));
      }
    }
    rows.sort((a, b) => compareCodePoints(a.type, b.type) || compareCodePoints(a.name, b.name));
    return { rows, total: liveRow(this.#runTotal, durationS, last, start), errors: this.#runErrors() };
  }

  snapshot(): RunSnapshot {
    const entries: WireStatsEntry[] = [];
    for (const byName of this.#slots.values()) {
      for (const slot of byName.values()) if (slot.run.hasActivity) entries.push(slot.run.toWire());
    }
    return { entries, total: this.#runTotal.toWire(), errors: this.#runErrors() };
  }

  #logRequest(type: string, name: string, nowS: number, second: number, ms: number, contentLength: number): Slot {
    const bucket = responseTimeBucket(ms); // throws on a non-finite time before anything is counted
    const slot = this.#slot(type, name, nowS);
    slot.window.logRequest(nowS, second, ms, bucket, contentLength);
    slot.run.logRequest(nowS, second, ms, bucket, contentLength);
    this.#windowTotal.logRequest(nowS, second, ms, bucket, contentLength);
    this.#runTotal.logRequest(nowS, second, ms, bucket, contentLength);
    return slot;
  }

  #slot(type: string, name: string, nowS: number): Slot {
    let byName = this.#slots.get(type);
    if (byName === undefined) {
      byName = new Map();
      this.#slots.set(type, byName);
    }
    let slot = byName.get(name);
    if (slot === undefined) {
      slot = {
        window: new StatsEntry(name, type, nowS),
        run: new StatsEntry(name, type, nowS, RUN_RATE_SECONDS),
        errors: new Map(),
      };
      byName.set(name, slot);
    }
    return slot;
  }

  #runErrors(): ErrorRow[] {
    const byKey = new Map<string, ErrorRow>();
    for (const [type, byName] of this.#slots) {
      for (const [name, slot] of byName) {
        for (const [error, tally] of slot.errors) {
          const key = (tally.key ??= errorKey(type, name, error));
          const seen = byKey.get(key);
          if (seen) seen.occurrences += tally.run;
          else byKey.set(key, { key, name, method: type, error, occurrences: tally.run });
        }
      }
    }
    return [...byKey.values()].sort((a, b) => compareCodePoints(a.key, b.key));
  }
}

/** The times and their histogram buckets, each bucket counted once. */
function sampleBatch(times: readonly number[]): SampleBatch {
  const buckets = new Map<number, number>();
  // An index loop: see StatsEntry.logRequests.
  for (let i = 0; i < times.length; i++) {
    const bucket = responseTimeBucket(times[i]!);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return { times, buckets };
}

/**
 * The key an error goes under in a `stats` message: the same on every worker, so the master
 * merges one error seen by many workers into one row.
 */
export function errorKey(method: string, name: string, error: string): string {
  return createHash('sha256').update(`${method}.${name}.${error}`, 'utf8').digest('hex');
}

/** Python's string order (by code point), which differs from `<` only above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800-0xDFFF) stands for a code point above 0xFFFF, so it sorts after
    // every other UTF-16 unit, including 0xE000-0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function liveRow(entry: StatsEntry, durationS: number, last: number | null, start: number): LiveRow {
  const n = entry.numRequests;
  const [p95, p99] = n === 0 ? [null, null] : responseTimePercentiles(entry.responseTimes, n, [0.95, 0.99]);
  return {
    type: entry.method,
    name: entry.name,
    requests: n,
    failures: entry.numFailures,
    median_ms: n === 0 ? null : medianResponseTime(entry.responseTimes, n, entry.minResponseTime, entry.maxResponseTime),
    p95_ms: p95 ?? null,
    p99_ms: p99 ?? null,
    avg_ms: n === 0 ? null : entry.totalResponseTime / n,
    min_ms: entry.minResponseTime,
    max_ms: n === 0 ? null : entry.maxResponseTime,
    rps: durationS > 0 ? n / durationS : 0,
    current_rps: currentRate(entry.numReqsPerSec, last, start),
  };
}

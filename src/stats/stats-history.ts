import { csvText, PERCENTILE_LABELS, PERCENTILES_TO_REPORT, totalsCells } from './csv.js';
import { currentRate } from './entry.js';
import { responseTimePercentiles } from './percentile.js';
import { compareCodePoints, type RunSnapshot } from './request-stats.js';
import type { WireStatsEntry } from './types.js';

/**
 * The per-second record of a run: Locust 2.12.1's `_stats_history.csv` rows
 * (`StatsCSVFileWriter._stats_history_data_rows`) and the points the HTML report charts.
 */

export const STATS_HISTORY_CSV_HEADER = [
  'Timestamp',
  'User Count',
  'Type',
  'Name',
  'Requests/s',
  'Failures/s',
  ...PERCENTILE_LABELS,
  'Total Request Count',
  'Total Failure Count',
  'Total Median Response Time',
  'Total Average Response Time',
  'Total Min Response Time',
  'Total Max Response Time',
  'Total Average Content Size',
] as const;

/** Locust's CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW: "current" percentiles look about this far back. */
const CURRENT_WINDOW_S = 10;
/** Histogram copies older than this are never looked at again (the search reaches window + 8). */
const CACHE_SECONDS = CURRENT_WINDOW_S + 10;

/** One second of the whole run (the Aggregated row), for the HTML charts. */
export interface HistoryPoint {
  /** Epoch seconds, whole. */
  time: number;
  users: number;
  /** Locust's current_rps and current_fail_per_sec of the Aggregated entry. */
  rps: number;
  failuresPerSecond: number;
  /** Response-time percentiles of about the last 10 s, as Locust's web charts show them; 0 with none. */
  p50: number;
  p95: number;
}

export interface HistorySample {
  point: HistoryPoint;
  /** The CSV lines of this second (CRLF ended), without the header. */
  csv: string;
}

/** The snapshot source: RequestStats in the app, anything with `snapshot()` in tests. */
export interface SnapshotSource {
  snapshot(): Pick<RunSnapshot, 'entries' | 'total'>;
}

export interface StatsHistoryOptions {
  stats: SnapshotSource;
  /** Users running now. */
  users: () => number;
  /** --csv-full-history: a row per (type, name) before the Aggregated row. */
  fullHistory: boolean;
  /** Wall clock in epoch milliseconds. */
  now?: () => number;
}

interface CachedHistogram {
  histogram: ReadonlyMap<number, number>;
  numRequests: number;
}

/** The histogram copies of one entry, by whole second, since its start (a reset starts over). */
interface EntryCache {
  startTime: number;
  bySecond: Map<number, CachedHistogram>;
}

/**
 * Takes one sample a second (the caller's timer, just after each whole second). Locust keeps
 * a histogram copy per entry per second on its hot path to answer "current" percentiles: the
 * first request of second T stores the histogram as it was at the end of T-1, under T-1. Here
 * the sampler keeps them from its own once-a-second snapshots, so recording a request costs
 * nothing more: a sample taken at T (plus the few ms a timer is late) is stored under T-1.
 * Sampled on the second, the rows are Locust's exactly (tested against its own code); they
 * can differ only around a second in which an entry had no request (Locust then stores no
 * copy, so its search may settle on a neighbouring second).
 */
export class StatsHistory {
  readonly #o: StatsHistoryOptions;
  readonly #now: () => number;
  readonly #caches = new Map<string, EntryCache>();
  readonly #points: HistoryPoint[] = [];

  constructor(options: StatsHistoryOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Every point so far, oldest first. */
  get points(): readonly HistoryPoint[] {
    return this.#points;
  }

  sample(): HistorySample {
    const second = Math.trunc(this.#now() / 1000);
    const users = this.#o.users();
    const { entries, total } = this.#o.stats.snapshot();
    const last = total.last_request_timestamp;
    const start = total.start_time;
    const rows: string[][] = [];
    if (this.#o.fullHistory) {
      // sort_stats: by (name, method).
      const sorted = [...entries].sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.method, b.method));
      for (const e of sorted) rows.push(this.#row(e, second, users, last, start, true));
    }
    // Without full history Locust prints the whole run's percentiles on the Aggregated row.
    rows.push(this.#row(total, second, users, last, start, this.#o.fullHistory));
    const [p50 = 0, p95 = 0] = this.#currentPercentiles(total, second, [0.5, 0.95]) ?? [];
    const point: HistoryPoint = {
      time: second,
      users,
      rps: currentRate(total.num_reqs_per_sec, last, start),
      failuresPerSecond: currentRate(total.num_fail_per_sec, last, start),
      p50,
      p95,
    };
    this.#points.push(point);
    const seen = new Set([...entries, total].map(cacheKey));
    for (const key of this.#caches.keys()) if (!seen.has(key)) this.#caches.delete(key);
    return { point, csv: csvText(rows) };
  }

  #row(e: WireStatsEntry, second: number, users: number, last: number | null, start: number, current: boolean): string[] {
    const n = e.num_requests;
    let percentiles: string[];
    if (n === 0) percentiles = PERCENTILES_TO_REPORT.map(() => 'N/A');
    else {
      const values = current ? this.#currentPercentiles(e, second, PERCENTILES_TO_REPORT) : responseTimePercentiles(e.response_times, n, PERCENTILES_TO_REPORT);
      // Python: int(value or 0), and None (no histogram copy old enough) is 0.
      percentiles = PERCENTILES_TO_REPORT.map((_, i) => String(Math.trunc(values?.[i] ?? 0)));
    }
    this.#cache(e, second); // after the percentiles, which read only copies from T-2 and older
    return [
      String(second),
      String(users),
      e.method,
      e.name,
      // Python's f"{x:2f}": six decimals.
      currentRate(e.num_reqs_per_sec, last, start).toFixed(6),
      currentRate(e.num_fail_per_sec, last, start).toFixed(6),
      ...percentiles,
      ...totalsCells(e),
    ];
  }

  /**
   * `get_current_response_time_percentile`: the histogram since the copy nearest to 10 s ago
   * (searched t-10, t-11, t-9, ... t-18, t-2), or null when there is none.
   */
  #currentPercentiles(e: WireStatsEntry, second: number, percents: readonly number[]): number[] | null {
    const cache = this.#caches.get(cacheKey(e));
    if (cache === undefined || cache.startTime !== e.start_time) return null;
    const candidates = [second - CURRENT_WINDOW_S];
    for (let i = 1; i < 9; i++) candidates.push(second - CURRENT_WINDOW_S - i, second - CURRENT_WINDOW_S + i);
    for (const t of candidates) {
      const cached = cache.bySecond.get(t);
      if (cached === undefined) continue;
      const diff = new Map<number, number>();
      for (const [bucket, count] of e.response_times) {
        const d = count - (cached.histogram.get(bucket) ?? 0);
        if (d !== 0) diff.set(bucket, d);
      }
      return responseTimePercentiles(diff, e.num_requests - cached.numRequests, percents);
    }
    return null;
  }

  /**
   * Keeps this second's histogram (the snapshot's own copy). A new or reset entry also gets an
   * empty copy at its start second, as Locust's StatsEntry.reset caches one.
   */
  #cache(e: WireStatsEntry, second: number): void {
    const key = cacheKey(e);
    let cache = this.#caches.get(key);
    if (cache === undefined || cache.startTime !== e.start_time) {
      cache = { startTime: e.start_time, bySecond: new Map([[Math.trunc(e.start_time), { histogram: new Map(), numRequests: 0 }]]) };
      this.#caches.set(key, cache);
    }
    // Overwrites the empty start copy of that second, as Locust's first request of the next second does.
    cache.bySecond.set(second - 1, { histogram: e.response_times, numRequests: e.num_requests });
    for (const t of cache.bySecond.keys()) if (t < second - CACHE_SECONDS) cache.bySecond.delete(t);
  }
}

/** One key per (type, name); the total is ("", "Aggregated"), a type no test case records under. */
function cacheKey(e: WireStatsEntry): string {
  return `${e.method}\0${e.name}`;
}

import { writeFile } from 'node:fs/promises';

import { medianFromHistogram, responseTimePercentiles } from './percentile.js';
import { compareCodePoints, type ErrorRow, type RunSnapshot } from './request-stats.js';
import type { WireStatsEntry } from './types.js';

/**
 * Locust 2.12.1's `_stats.csv` and `_failures.csv` (stats.py, `StatsCSV`), so that scripts
 * written for Locust's files read ours. Values are printed as Python prints them: counts as
 * ints, response times (floats in Locust, as in ours) in Python's float repr, "N/A" for
 * percentiles of an empty row, CRLF line ends and minimal quoting as Python's csv module does.
 */

export const PERCENTILES_TO_REPORT = [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0] as const;

/** Locust's `get_readable_percentiles(PERCENTILES_TO_REPORT)`. */
export const PERCENTILE_LABELS = ['50%', '66%', '75%', '80%', '90%', '95%', '98%', '99%', '99.9%', '99.99%', '100%'] as const;

export const STATS_CSV_HEADER = [
  'Type',
  'Name',
  'Request Count',
  'Failure Count',
  'Median Response Time',
  'Average Response Time',
  'Min Response Time',
  'Max Response Time',
  'Average Content Size',
  'Requests/s',
  'Failures/s',
  ...PERCENTILE_LABELS,
] as const;

export const FAILURES_CSV_HEADER = ['Method', 'Name', 'Error', 'Occurrences'] as const;

export const EXCEPTIONS_CSV_HEADER = ['Count', 'Message', 'Traceback', 'Nodes'] as const;

/** One row of `_exceptions.csv`: what Locust's runner keeps per distinct traceback. */
export interface ExceptionRow {
  count: number;
  message: string;
  /** Empty where there is no Python-style traceback to give. */
  traceback: string;
  nodes: readonly string[];
}

/** One row per (method, name) sorted by (name, method) as Locust sorts, then "Aggregated". */
export function renderStatsCsv(snapshot: Pick<RunSnapshot, 'entries' | 'total'>): string {
  const { total } = snapshot;
  const entries = [...snapshot.entries].sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.method, b.method));
  const rows = [...entries, total].map((e) => statsRow(e, total.last_request_timestamp, total.start_time));
  return csvText([STATS_CSV_HEADER, ...rows]);
}

/** One row per error, in key order as Locust sorts them; the error text is written as given. */
export function renderFailuresCsv(errors: readonly ErrorRow[]): string {
  const sorted = [...errors].sort((a, b) => compareCodePoints(a.key, b.key));
  return csvText([FAILURES_CSV_HEADER, ...sorted.map((e) => [e.method, e.name, e.error, String(e.occurrences)])]);
}

/** Locust's `_exceptions_data_rows`: count, message, traceback, nodes joined by ", ", in the order given. */
export function renderExceptionsCsv(rows: readonly ExceptionRow[]): string {
  return csvText([EXCEPTIONS_CSV_HEADER, ...rows.map((r) => [String(r.count), r.message, r.traceback, r.nodes.join(', ')])]);
}

/**
 * Writes `${prefix}_stats.csv`, `${prefix}_failures.csv` and `${prefix}_exceptions.csv`, as
 * Locust's `--csv` leaves them at the end (`_stats_history.csv` is written live, apart).
 */
export async function writeCsvFiles(prefix: string, snapshot: RunSnapshot, exceptions: readonly ExceptionRow[] = []): Promise<void> {
  await writeFile(`${prefix}_stats.csv`, renderStatsCsv(snapshot), 'utf8');
  await writeFile(`${prefix}_failures.csv`, renderFailuresCsv(snapshot.errors), 'utf8');
  await writeFile(`${prefix}_exceptions.csv`, renderExceptionsCsv(exceptions), 'utf8');
}

/**
 * `_requests_data_rows` for one entry. `lastRequest`/`start` are the whole run's, because
 * Locust divides every row's count by the run's span (`total_rps`).
 */
function statsRow(e: WireStatsEntry, lastRequest: number | null, start: number): string[] {
  const n = e.num_requests;
  const percentiles =
    n === 0 ? PERCENTILES_TO_REPORT.map(() => 'N/A') : responseTimePercentiles(e.response_times, n, PERCENTILES_TO_REPORT).map((p) => String(Math.trunc(p)));
  const [count, failures, median, avg, min, max, avgContent] = totalsCells(e);
  return [
    e.method,
    e.name,
    count,
    failures,
    median,
    avg,
    min,
    max,
    avgContent,
    pythonFloat(perSecondOfRun(n, lastRequest, start)),
    pythonFloat(perSecondOfRun(e.num_failures, lastRequest, start)),
    ...percentiles,
  ];
}

/**
 * Request and failure counts, median, average, min and max response time and average content
 * size, as both the stats CSV and the stats history CSV print them (the same StatsEntry
 * properties in Locust).
 */
export function totalsCells(e: WireStatsEntry): [string, string, string, string, string, string, string] {
  const n = e.num_requests;
  return [
    String(n),
    String(e.num_failures),
    medianCell(e),
    pythonFloat(n === 0 ? 0 : e.total_response_time / n),
    // Python: `min_response_time or 0` (None and 0.0 both give the int 0).
    e.min_response_time === null || e.min_response_time === 0 ? '0' : pythonFloat(e.min_response_time),
    // Python's max() keeps the initial int 0 until a larger time arrives.
    e.max_response_time === 0 ? '0' : pythonFloat(e.max_response_time),
    n === 0 ? '0' : pythonFloat(e.total_content_length / n),
  ];
}

/**
 * `median_response_time`, printed with the type Python would have: the exact min or max
 * (floats) when clamped, else the bucket key, which Python's `round(x, -n)` leaves a float
 * from 100 ms up and `round(x)` an int below.
 */
function medianCell(e: WireStatsEntry): string {
  if (e.response_times.size === 0) return '0';
  const median = medianFromHistogram(e.response_times, e.num_requests);
  if (median > e.max_response_time) return pythonFloat(e.max_response_time);
  if (e.min_response_time !== null && median < e.min_response_time) return pythonFloat(e.min_response_time);
  return median >= 100 ? pythonFloat(median) : String(median);
}

/** `total_rps` / `total_fail_per_sec`: 0.0 when the run has no span yet. */
function perSecondOfRun(count: number, lastRequest: number | null, start: number): number {
  if (!lastRequest || !start || lastRequest === start) return 0;
  return count / (lastRequest - start);
}

/** Python's csv.writer defaults: CRLF, quote only fields holding `,` `"` CR or LF. */
export function csvText(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JS also picks), but always
 * with a decimal point or exponent, and exponent form below 1e-4 and from 1e16 up.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = x.toExponential().split('e');
  const exp = Number(exponentText);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

import { writeFile } from 'node:fs/promises';

import type { ErrorRow } from './request-stats.js';
import type { HistoryPoint } from './stats-history.js';
import type { TransactionTotals } from './summary-json.js';
import type { SummaryRow } from './types.js';

/**
 * The --html report: one self-contained file (tables, and charts drawn here as inline SVG).
 * Hand-made SVG rather than a charting library: the report must open with no network, a
 * library would have to be inlined whole (hundreds of KB, another dependency to keep up),
 * and four line charts need only a few paths. No script at all: the page's own CSP forbids
 * every fetch, so opening it can never reach out.
 */

export interface HtmlReportInput {
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number;
  durationS: number;
  peakUsers: number;
  /** "standalone" or "worker" (numbers of this worker only). */
  mode: string;
  /** As the console table shows them, sorted by (type, name). */
  rows: readonly SummaryRow[];
  total: SummaryRow;
  errors: readonly ErrorRow[];
  points: readonly HistoryPoint[];
  transactions: TransactionTotals;
}

/** Charts get at most this many points; a day-long run keeps every 72nd second. */
const MAX_CHART_POINTS = 1200;
const CHART_WIDTH = 960;
const CHART_HEIGHT = 240;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 32 };

interface Series {
  key: string;
  label: string;
  color: string;
  values: readonly number[];
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const points = thin(input.points, MAX_CHART_POINTS);
  const times = points.map((p) => p.time);
  const charts = [
    chart('Total requests per second', 'requests/s', times, [
      { key: 'rps', label: 'RPS', color: '#1f77b4', values: points.map((p) => p.rps) },
      { key: 'failures', label: 'Failures/s', color: '#d62728', values: points.map((p) => p.failuresPerSecond) },
    ]),
    chart('Response times (about the last 10 s)', 'ms', times, [
      { key: 'p50', label: '50th percentile', color: '#2ca02c', values: points.map((p) => p.p50) },
      { key: 'p95', label: '95th percentile', color: '#ff7f0e', values: points.map((p) => p.p95) },
    ]),
    chart('Number of users', 'users', times, [{ key: 'users', label: 'Users', color: '#9467bd', values: points.map((p) => p.users) }]),
  ];
  const period = `${isoTime(input.startedAt)} – ${isoTime(input.endedAt)} (${input.durationS.toFixed(1)} s)`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>klayworker report ${esc(isoTime(input.startedAt))}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin-bottom: 24px; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
svg { display: block; margin-bottom: 24px; }
svg text { font-size: 12px; fill: #444; }
.grid { stroke: #e4e4e4; }
</style>
</head>
<body>
<h1>klayworker report</h1>
<p>${esc(period)}; ${esc(input.mode)}; peak users ${input.peakUsers}</p>
<h2>Request statistics</h2>
${statsTable(input.rows, input.total)}
<h2>Failures</h2>
${failuresTable(input.errors)}
<h2>Transactions</h2>
${transactionsTable(input.transactions)}
<h2>Charts</h2>
${charts.join('\n')}
</body>
</html>
`;
}

export async function writeHtmlReport(file: string, input: HtmlReportInput): Promise<void> {
  await writeFile(file, renderHtmlReport(input), 'utf8');
}

/** The console table's columns, with the run's average rate (a finished run has no "current" one). */
function statsTable(rows: readonly SummaryRow[], total: SummaryRow): string {
  const head = ['Type', 'Name', '# Requests', '# Fails', 'Median (ms)', '95%ile (ms)', '99%ile (ms)', 'Average (ms)', 'Min (ms)', 'Max (ms)', 'RPS'];
  const line = (r: SummaryRow, cls: string) => {
    const failPercent = r.requests === 0 ? 0 : (100 * r.failures) / r.requests;
    const cells = [
      r.requests,
      `${r.failures} (${failPercent.toFixed(2)}%)`,
      ms(r.median_ms),
      ms(r.p95_ms),
      ms(r.p99_ms),
      ms(r.avg_ms),
      ms(r.min_ms),
      ms(r.max_ms),
      r.rps.toFixed(2),
    ];
    return `<tr class="${cls}"><td>${esc(r.type)}</td><td>${esc(r.name)}</td>${cells.map((c) => `<td class="num">${esc(String(c))}</td>`).join('')}</tr>`;
  };
  return table('stats', head, [...rows.map((r) => line(r, 'row')), line(total, 'total')]);
}

function failuresTable(errors: readonly ErrorRow[]): string {
  if (errors.length === 0) return '<p id="no-failures">No failures.</p>';
  const sorted = [...errors].sort((a, b) => b.occurrences - a.occurrences);
  return table(
    'failures',
    ['# Occurrences', 'Type', 'Name', 'Error'],
    sorted.map((e) => `<tr class="row"><td class="num">${e.occurrences}</td><td>${esc(e.method)}</td><td>${esc(e.name)}</td><td>${esc(e.error)}</td></tr>`),
  );
}

function transactionsTable(t: TransactionTotals): string {
  const cells = [t.accepted, t.mined, t.dropped, t.unresolved, t.resent];
  return table(
    'transactions',
    ['Accepted', 'Mined', 'Dropped', 'Unresolved', 'Re-sent'],
    [`<tr class="row">${cells.map((c) => `<td class="num">${c}</td>`).join('')}</tr>`],
  );
}

function table(id: string, head: readonly string[], rows: readonly string[]): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** A line chart: time along x (seconds since the first point), 0 to a round maximum up y. */
function chart(title: string, unit: string, times: readonly number[], series: readonly Series[]): string {
  const w = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const h = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const t0 = times[0] ?? 0;
  const span = Math.max(1, (times.at(-1) ?? 0) - t0);
  const top = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite))));
  const x = (t: number) => MARGIN.left + ((t - t0) / span) * w;
  const y = (v: number) => MARGIN.top + h - (Math.max(0, v) / top) * h;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${fx(y(v))}" y2="${fx(y(v))}"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${fx(y(v) + 4)}" text-anchor="end">${esc(axisNumber(v))}</text>`);
  }
  for (const t of [t0, t0 + span / 2, t0 + span]) {
    parts.push(`<text x="${fx(x(t))}" y="${CHART_HEIGHT - 10}" text-anchor="middle">${esc(`${Math.round(t - t0)} s`)}</text>`);
  }
  if (times.length === 0) parts.push(`<text x="${MARGIN.left + w / 2}" y="${MARGIN.top + h / 2}" text-anchor="middle">no samples</text>`);
  series.forEach((s, i) => {
    // A lone point still shows: a level line across the chart.
    const coords =
      times.length === 1
        ? [`${fx(x(t0))},${fx(y(s.values[0] ?? 0))}`, `${fx(MARGIN.left + w)},${fx(y(s.values[0] ?? 0))}`]
        : times.map((t, j) => `${fx(x(t))},${fx(y(s.values[j] ?? 0))}`);
    if (coords.length > 0)
      parts.push(`<path class="series" data-series="${s.key}" fill="none" stroke="${s.color}" stroke-width="2" d="M${coords.join(' L')}"/>`);
    const lx = MARGIN.left + 8 + i * 160;
    parts.push(`<rect x="${lx}" y="${MARGIN.top}" width="12" height="4" fill="${s.color}"/><text x="${lx + 16}" y="${MARGIN.top + 6}">${esc(s.label)}</text>`);
  });
  return `<figure><figcaption>${esc(title)} (${esc(unit)})</figcaption><svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg></figure>`;
}

/** Every k-th point (and the last), so that a long run's chart stays a few thousand path segments. */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = Math.ceil(points.length / max);
  const kept = points.filter((_, i) => i % step === 0);
  if ((points.length - 1) % step !== 0) kept.push(points.at(-1)!);
  return kept;
}

/** 1, 2, 4 or 8 times a power of ten, at least `v` (1 when everything is 0): its quarters are round. */
function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 8, 10]) if (m * power >= v) return m * power;
  return 10 * power;
}

function axisNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 2 : 1);
}

function fx(v: number): string {
  return v.toFixed(1);
}

function ms(value: number | null): string {
  return value === null ? '-' : String(Math.round(value));
}

function isoTime(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** Names and error texts come from users and nodes: nothing of theirs may become markup. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The bench's one table: a row per measured figure, each with its target and whether it was
 * met, rendered as Markdown so the same text reads on a terminal and in RESULTS.md.
 */

/**
 * @typedef {object} Row
 * @property {string} bench      which benchmark
 * @property {string} measure    what was measured
 * @property {string} result     the figure, with its unit
 * @property {string} target     the target, or '' for a figure shown for context
 * @property {boolean | null} met null when there is no target
 */

/** @param {Omit<Row, 'target' | 'met'> & Partial<Pick<Row, 'target' | 'met'>>} fields @returns {Row} */
export function row({ bench, measure, result, target = '', met = null }) {
  return { bench, measure, result, target, met };
}

/** The row a benchmark gets when it could not run at all. */
export function notRunRow(bench, error) {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return { bench, measure: 'could not run', result: message, target: '', met: false };
}

export function verdict(met) {
  if (met === null) return '';
  return met ? 'met' : '**MISSED**';
}

/** @param {Row[]} rows */
export function renderTable(rows) {
  const header = ['Benchmark', 'Measure', 'Result', 'Target', 'Verdict'];
  const cells = rows.map((r) => [r.bench, r.measure, r.result, r.target, verdict(r.met)].map(escapeCell));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

function escapeCell(text) {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** 12345.6 -> "12,346"; digits after the point on request. */
export function fmt(n, digits = 0) {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Summarises how many targets were met, for the last line under the table. */
export function tally(rows) {
  const judged = rows.filter((r) => r.met !== null);
  const missed = judged.filter((r) => r.met === false).length;
  return `${judged.length - missed} of ${judged.length} targets met${missed > 0 ? `, ${missed} missed` : ''}`;
}

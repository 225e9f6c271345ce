import type { LiveRow } from './request-stats.js';

/**
 * The name column is as wide as the longest name up to this, then cut with an ellipsis: Kaia's
 * test case names (kaiaFeeDelegatedSmartContractExecutionWithRatio, 47) must show whole, while a
 * runaway name from a --tc-module must not push the numbers off the screen.
 */
export const MAX_NAME_WIDTH = 48;
const MAX_TYPE_WIDTH = 26;

/**
 * The live stats table (stderr every few seconds and at the end), laid out like Locust's:
 * counts, then response times in whole ms ('-' when there is nothing to show), then the
 * current rate.
 */
export function renderTable(rows: readonly LiveRow[], total: LiveRow): string {
  const all = [...rows, total];
  const typeWidth = Math.min(MAX_TYPE_WIDTH, Math.max(4, ...all.map((r) => r.type.length)));
  const nameWidth = Math.min(MAX_NAME_WIDTH, Math.max(4, ...all.map((r) => r.name.length)));

  const line = (cells: readonly string[]): string => {
    const [type = '', name = '', reqs = '', fails = '', ...rest] = cells;
    const times = rest
      .slice(0, 6)
      .map((c) => ' ' + c.padStart(7))
      .join('');
    return `${fit(type, typeWidth)} ${fit(name, nameWidth)} ${reqs.padStart(7)} ${fails.padStart(12)} |` + `${times} | ${(rest[6] ?? '').padStart(11)}`;
  };
  // Same width as a row, with '|' where the rows have theirs.
  const separator = `${'-'.repeat(typeWidth)}|${'-'.repeat(nameWidth)}|${'-'.repeat(7)}|${'-'.repeat(13)}|` + `${'-'.repeat(6 * 8 + 1)}|${'-'.repeat(12)}`;

  const header = line(['Type', 'Name', '# reqs', '# fails', 'Median', '95%', '99%', 'Avg', 'Min', 'Max', 'Current RPS']);
  return [header, separator, ...rows.map((r) => line(cells(r))), separator, line(cells(total))].join('\n');
}

function cells(row: LiveRow): string[] {
  const failPercent = row.requests === 0 ? 0 : (100 * row.failures) / row.requests;
  return [
    row.type,
    row.name,
    String(row.requests),
    `${row.failures}(${failPercent.toFixed(2)}%)`,
    ms(row.median_ms),
    ms(row.p95_ms),
    ms(row.p99_ms),
    ms(row.avg_ms),
    ms(row.min_ms),
    ms(row.max_ms),
    row.current_rps.toFixed(2),
  ];
}

function ms(value: number | null): string {
  return value === null ? '-' : String(Math.round(value));
}

/** Pads to exactly `width`, cutting with an ellipsis so the columns stay aligned. */
function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : text.slice(0, width - 1) + '…';
}

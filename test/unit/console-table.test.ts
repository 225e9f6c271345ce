/**
 * The live table on stderr: columns that line up, a name column as wide as the longest name
 * (every built-in test case whole), and a runaway name cut with an ellipsis.
 */
import { describe, expect, it } from 'vitest';

import { MAX_NAME_WIDTH, renderTable } from '../../src/stats/console-table.js';
import { RequestStats } from '../../src/stats/request-stats.js';
import { builtInTestCases } from '../../testcases/registry.js';

function table(rows: [type: string, name: string, ms: number][]): string[] {
  let now = 1_700_000_000_000;
  const stats = new RequestStats({ now: () => now });
  for (const [type, name, ms] of rows) {
    now += 100;
    stats.success(type, name, ms, 0);
  }
  const { rows: live, total } = stats.summary(2);
  return renderTable(live, total).split('\n');
}

/** The cell of the Name column in `line` (the header says where it starts and ends). */
function nameCell(lines: string[], line: string): string {
  const header = lines[0]!;
  const start = header.indexOf('Name');
  const end = header.indexOf('# reqs') - (7 - '# reqs'.length) - 1;
  return line.slice(start, end).trimEnd();
}

describe('console table', () => {
  it('shows every row and the total in columns that line up within 120 characters when names are short', () => {
    let now = 1_700_000_000_000;
    const stats = new RequestStats({ now: () => now });
    for (let i = 0; i < 20; i++) {
      now += 100;
      stats.success('rpc', 'eth_blockNumber', 2 + i, 40);
    }
    stats.failure('rpc', 'eth_sendRawTransaction', 350, 'nonce too low');
    const { rows, total } = stats.summary(2);
    const lines = renderTable(rows, total).split('\n');
    expect(lines[0]).toMatch(/Type +Name +# reqs +# fails \| +Median +95% +99% +Avg +Min +Max \| Current RPS/);
    expect(lines).toHaveLength(rows.length + 4);
    for (const line of lines) expect(line.length).toBe(lines[0]?.length);
    expect(lines[0]?.length).toBeLessThanOrEqual(120);
    expect(lines.at(-1)).toMatch(/Aggregated +21 +1\(4\.76%\) \|/);
    expect(lines.find((l) => l.includes('eth_sendRawTransaction'))).toMatch(/\| +350 +350 +350 +350 +350 +350 \|/);
  });

  it('sizes the name column to the longest name: valueTransferWithCheck and the mined row show whole', () => {
    const lines = table([
      ['eth_sendRawTransaction', 'valueTransferWithCheck', 3],
      ['mined', 'valueTransferWithCheck', 900],
      ['eth_blockNumber', 'blockNumber', 1],
    ]);
    for (const line of lines) expect(line.length).toBe(lines[0]!.length);
    expect(lines.filter((l) => nameCell(lines, l) === 'valueTransferWithCheck')).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('…');
    // No wider than it needs: the longest name fills its column exactly.
    expect(lines[0]!.indexOf('# reqs') - lines[0]!.indexOf('Name')).toBe('valueTransferWithCheck'.length + 1 + 7 - '# reqs'.length);
  });

  it('shows every built-in test case name whole, the longest included', () => {
    const names = builtInTestCases.map((t) => t.name);
    const lines = table(names.map((name) => ['kaia_sendRawTransaction', name, 1]));
    expect(lines.join('\n')).not.toContain('…');
    for (const name of names) expect(lines.some((l) => nameCell(lines, l) === name)).toBe(true);
  });

  it(`cuts a name longer than ${MAX_NAME_WIDTH} characters with an ellipsis, and shows - where there are no times`, () => {
    const lines = table([['rpc', 'y'.repeat(200), 1.4]]);
    for (const line of lines) expect(line.length).toBe(lines[0]!.length);
    const row = lines.find((l) => l.includes('yyy'))!;
    expect(nameCell(lines, row)).toBe(`${'y'.repeat(MAX_NAME_WIDTH - 1)}…`);

    let now = 1000;
    const stats = new RequestStats({ now: () => now });
    stats.success('rpc', 'x', 1.4, 0);
    now += 1;
    stats.reset();
    const empty = stats.summary(1);
    expect(renderTable(empty.rows, empty.total).split('\n').at(-1)).toMatch(/Aggregated +0 +0\(0\.00%\) \| +- +- +- +- +- +- \| +0\.00$/);
  });
});

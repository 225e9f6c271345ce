import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { renderTable } from '../../src/stats/console-table.js';
import { RequestStats } from '../../src/stats/request-stats.js';
import { buildSummaryJson, writeSummaryJson } from '../../src/stats/summary-json.js';

const ROW_KEYS = ['type', 'name', 'requests', 'failures', 'median_ms', 'p95_ms', 'p99_ms', 'avg_ms', 'min_ms', 'max_ms', 'rps'].sort();

function recorded() {
  let now = 1_700_000_000_000;
  const stats = new RequestStats({ now: () => now });
  for (let i = 0; i < 20; i++) {
    now += 100;
    stats.success('rpc', 'eth_blockNumber', 2 + i, 40);
  }
  stats.failure('rpc', 'eth_sendRawTransaction', 350, 'nonce too low');
  return stats;
}

describe('JSON summary', () => {
  it('holds duration, users, total and one task per row with exactly the documented keys', () => {
    const { rows, total } = recorded().summary(4);
    const transactions = { accepted: 10, mined: 7, dropped: 2, unresolved: 1, resent: 3 };
    const json = buildSummaryJson({ durationS: 4, users: 3, rows, total, transactions });
    expect(Object.keys(json).sort()).toEqual(['duration_s', 'tasks', 'total', 'transactions', 'users']);
    expect(json.transactions).toEqual(transactions);
    expect(json.duration_s).toBe(4);
    expect(json.users).toBe(3);
    expect(Object.keys(json.total).sort()).toEqual(ROW_KEYS);
    for (const task of json.tasks) expect(Object.keys(task).sort()).toEqual(ROW_KEYS);
    expect(json.tasks.map((t) => t.name)).toEqual(['eth_blockNumber', 'eth_sendRawTransaction']);
    expect(json.total).toMatchObject({ requests: 21, failures: 1, rps: 21 / 4, max_ms: 350, min_ms: 2 });
    expect(json.tasks[1]).toMatchObject({ requests: 1, failures: 1, median_ms: 350, avg_ms: 350 });
  });

  it('writes the summary as JSON that reads back equal, nulls included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'klayworker-json-'));
    try {
      const empty = new RequestStats({ now: () => 0 }).summary(0);
      const json = buildSummaryJson({
        durationS: 0,
        users: 0,
        rows: empty.rows,
        total: empty.total,
        transactions: { accepted: 0, mined: 0, dropped: 0, unresolved: 0, resent: 0 },
      });
      const file = join(dir, 'summary.json');
      await writeSummaryJson(file, json);
      const back = JSON.parse(await readFile(file, 'utf8'));
      expect(back).toEqual(json);
      expect(back.total.median_ms).toBeNull();
      expect(back.tasks).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('console table', () => {
  it('shows every row and the total in columns that line up within 120 characters', () => {
    const { rows, total } = recorded().summary(2);
    const text = renderTable(rows, total);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/Type +Name +# reqs +# fails \| +Median +95% +99% +Avg +Min +Max \| Current RPS/);
    expect(lines).toHaveLength(rows.length + 4);
    for (const line of lines) expect(line.length).toBe(lines[0]?.length);
    expect(lines[0]?.length).toBeLessThanOrEqual(120);
    const agg = lines.at(-1) ?? '';
    expect(agg).toMatch(/Aggregated +21 +1\(4\.76%\) \|/);
    const send = lines.find((l) => l.includes('eth_sendRawTransaction')) ?? '';
    expect(send).toMatch(/\| +350 +350 +350 +350 +350 +350 \|/);
  });

  it('cuts long names and shows - where there are no times', () => {
    let now = 0;
    const stats = new RequestStats({ now: () => now });
    now = 1000;
    stats.success('rpc', 'x'.repeat(200), 1.4, 0);
    stats.reset();
    const empty = stats.summary(1);
    expect(renderTable(empty.rows, empty.total).split('\n').at(-1)).toMatch(/Aggregated +0 +0\(0\.00%\) \| +- +- +- +- +- +- \| +0\.00$/);

    stats.success('rpc', 'y'.repeat(200), 1.4, 0);
    const s = stats.summary(1);
    for (const line of renderTable(s.rows, s.total).split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    expect(renderTable(s.rows, s.total)).toContain('…');
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

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

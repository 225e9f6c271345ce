/**
 * What the master is told must be exactly what happened: integer keys on the wire, deltas
 * that add up to the tasks' own counts, failures counted as requests, thrown errors kept.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { TASK_ERROR_TYPE } from '../../src/runner/user-pool.js';
import { CountingTask, decodeMarkingIntKeys, Harnesses, requestsIn, statsOf, sumRequests, TASK_TYPE } from '../support/master-harness.js';

const harnesses = new Harnesses();
afterEach(() => harnesses.closeAll());

const INT_KEYED = ['response_times', 'num_reqs_per_sec', 'num_fail_per_sec'] as const;

type Entry = Record<string, unknown>;

function expectIntKeyed(entry: Entry): void {
  for (const field of INT_KEYED) {
    const map = entry[field] as Record<string, number>;
    for (const key of Object.keys(map)) expect(key).toMatch(/^#int:\d+$/);
  }
  // The other fields of an entry are string-keyed on the wire.
  expect(Object.keys(entry).every((k) => !k.startsWith('#int:'))).toBe(true);
}

describe('stats', () => {
  it('writes response_times, num_reqs_per_sec and num_fail_per_sec with integer keys', async () => {
    const h = await harnesses.start({ tasks: [new CountingTask('ok', 1), new CountingTask('bad', 1, 'failure')] });
    await h.register();
    await h.spawnAndWait({ A: 2 });
    const report = await h.mock.waitFor((m) => m.type === 'stats' && statsOf(m).stats.length === 2 && statsOf(m).stats_total.num_failures > 0);

    const decoded = decodeMarkingIntKeys(report.raw) as [string, { stats: Entry[]; stats_total: Entry }, string];
    const { stats, stats_total } = decoded[1];
    for (const entry of [...stats, stats_total]) expectIntKeyed(entry);
    const total = stats_total as { response_times: object; num_reqs_per_sec: object; num_fail_per_sec: object };
    expect(Object.keys(total.response_times).length).toBeGreaterThan(0);
    expect(Object.keys(total.num_reqs_per_sec).length).toBeGreaterThan(0);
    expect(Object.keys(total.num_fail_per_sec).length).toBeGreaterThan(0);
    // Per-second keys are epoch seconds, not milliseconds.
    const second = Number(Object.keys(total.num_reqs_per_sec)[0]!.slice('#int:'.length));
    expect(Math.abs(second - Date.now() / 1000)).toBeLessThan(60);
  });

  it('sends deltas: over all reports they add up to the tasks’ own counts, failures included', async () => {
    const ok = new CountingTask('ok', 1);
    const bad = new CountingTask('bad', 1, 'failure');
    const h = await harnesses.start({ tasks: [ok, bad] });
    await h.register();
    await h.spawnAndWait({ A: 4 });
    const first = await h.statsWithRequests();
    await h.statsWithRequests(h.mock.received.indexOf(first) + 1);
    const result = await h.quit();
    expect(result.exitCode).toBe(0);

    const reports = h.mock.ofType('stats');
    expect(reports.filter((m) => requestsIn(m) > 0).length).toBeGreaterThanOrEqual(3);
    expect(sumRequests(reports)).toBe(ok.invocations + bad.invocations);
    const byName = (name: string, field: 'num_requests' | 'num_failures') =>
      reports.reduce(
        (a, m) =>
          a +
          statsOf(m)
            .stats.filter((e) => e.name === name)
            .reduce((b, e) => b + e[field], 0),
        0,
      );
    expect(byName('ok', 'num_requests')).toBe(ok.invocations);
    expect(byName('ok', 'num_failures')).toBe(0);
    expect(byName('bad', 'num_requests')).toBe(bad.invocations);
    expect(byName('bad', 'num_failures')).toBe(bad.invocations);
    expect(reports.reduce((a, m) => a + statsOf(m).stats_total.num_failures, 0)).toBe(bad.invocations);

    const occurrences = reports.reduce((a, m) => a + Object.values(statsOf(m).errors).reduce((b, e) => b + e.occurrences, 0), 0);
    expect(occurrences).toBe(bad.invocations);
    for (const m of reports) {
      // Each window's histogram holds exactly that window's requests, failed ones included.
      const total = statsOf(m).stats_total;
      expect(Object.values(total.response_times).reduce((a, n) => a + n, 0)).toBe(total.num_requests);
      for (const e of statsOf(m).stats) expect(e.method).toBe(TASK_TYPE);
    }
  });

  it('records a task that throws as a failure of that task, with its message, under type "task"', async () => {
    const boom = new CountingTask('boom', 1, 'throw');
    const h = await harnesses.start({ tasks: [boom] });
    await h.register();
    await h.spawnAndWait({ A: 1 });
    const report = await h.statsWithRequests();

    const data = statsOf(report);
    expect(data.stats).toHaveLength(1);
    expect(data.stats[0]).toMatchObject({ name: 'boom', method: TASK_ERROR_TYPE });
    expect(data.stats[0]!.num_failures).toBe(data.stats[0]!.num_requests);
    const errors = Object.values(data.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual({ name: 'boom', method: 'task', error: 'boom exploded', occurrences: data.stats[0]!.num_requests });
  });
});

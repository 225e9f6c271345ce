import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { errorKey, RequestStats } from '../../src/stats/request-stats.js';
import type { WireStatsEntry } from '../../src/stats/types.js';

/** A hand-driven wall clock in epoch ms. */
function clock(startMs = 1_700_000_000_000) {
  let now = startMs;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function entry(list: WireStatsEntry[], method: string, name: string): WireStatsEntry {
  const found = list.find((e) => e.method === method && e.name === name);
  if (!found) throw new Error(`no entry ${method} ${name}`);
  return found;
}

describe('RequestStats report window', () => {
  it('reports deltas: each report covers only what happened since the previous one', () => {
    const c = clock();
    const stats = new RequestStats({ now: c.now });
    stats.success('rpc', 'a', 10, 100);
    stats.success('rpc', 'a', 20, 50);
    const first = stats.takeReport();
    expect(entry(first.stats, 'rpc', 'a').num_requests).toBe(2);
    expect(first.stats_total.num_requests).toBe(2);

    c.advance(3000);
    stats.success('rpc', 'a', 30, 10);
    const second = stats.takeReport();
    const a = entry(second.stats, 'rpc', 'a');
    expect(a.num_requests).toBe(1);
    expect(a.total_response_time).toBe(30);
    expect(a.total_content_length).toBe(10);
    expect(a.min_response_time).toBe(30);
    expect(a.max_response_time).toBe(30);
    expect([...a.response_times]).toEqual([[30, 1]]);
    expect(second.stats_total.num_requests).toBe(1);
    // The run view keeps counting across reports.
    expect(stats.totalRequests).toBe(3);
  });

  it('starts the next window at the moment of the report', () => {
    const c = clock(1_700_000_000_500);
    const stats = new RequestStats({ now: c.now });
    expect(stats.takeReport().stats_total.start_time).toBe(1_700_000_000.5);
    c.advance(3250);
    stats.success('rpc', 'a', 5, 0);
    const r = stats.takeReport();
    expect(r.stats_total.start_time).toBe(1_700_000_000.5);
    c.advance(3000);
    stats.success('rpc', 'a', 5, 0);
    const next = stats.takeReport();
    expect(next.stats_total.start_time).toBe(1_700_000_003.75);
    expect(entry(next.stats, 'rpc', 'a').start_time).toBe(1_700_000_003.75);
  });

  it('leaves out entries with no activity, but always sends stats_total', () => {
    const c = clock();
    const stats = new RequestStats({ now: c.now });
    stats.success('rpc', 'a', 5, 0);
    stats.success('rpc', 'b', 5, 0);
    stats.takeReport();
    stats.success('rpc', 'b', 7, 0);
    const r = stats.takeReport();
    expect(r.stats.map((e) => e.name)).toEqual(['b']);
    const empty = stats.takeReport();
    expect(empty.stats).toEqual([]);
    expect(empty.errors).toEqual({});
    expect(empty.stats_total).toMatchObject({
      name: 'Aggregated',
      method: '',
      num_requests: 0,
      num_failures: 0,
      min_response_time: null,
      max_response_time: 0,
      last_request_timestamp: null,
    });
  });

  it('uses seconds on the wire: float timestamps and whole-second per-second keys', () => {
    const c = clock(1_700_000_000_250);
    const stats = new RequestStats({ now: c.now });
    stats.success('rpc', 'a', 5, 0);
    c.advance(900);
    stats.success('rpc', 'a', 5, 0);
    stats.failure('rpc', 'a', 5, 'boom');
    const a = entry(stats.takeReport().stats, 'rpc', 'a');
    expect(a.last_request_timestamp).toBe(1_700_000_001.15);
    expect([...a.num_reqs_per_sec]).toEqual([
      [1_700_000_000, 1],
      [1_700_000_001, 2],
    ]);
    expect([...a.num_fail_per_sec]).toEqual([[1_700_000_001, 1]]);
  });

  it('carries all 14 Locust keys on every entry', () => {
    const stats = new RequestStats({ now: clock().now });
    stats.success('rpc', 'a', 5, 0);
    const r = stats.takeReport();
    const keys = [
      'name',
      'method',
      'start_time',
      'last_request_timestamp',
      'num_requests',
      'num_none_requests',
      'num_failures',
      'total_response_time',
      'max_response_time',
      'min_response_time',
      'total_content_length',
      'response_times',
      'num_reqs_per_sec',
      'num_fail_per_sec',
    ].sort();
    expect(Object.keys(entry(r.stats, 'rpc', 'a')).sort()).toEqual(keys);
    expect(Object.keys(r.stats_total).sort()).toEqual(keys);
    expect(r.stats_total.num_none_requests).toBe(0);
  });

  it('hands out copies: a report does not change when recording goes on', () => {
    const c = clock();
    const stats = new RequestStats({ now: c.now });
    stats.success('rpc', 'a', 5, 0);
    const r = stats.takeReport();
    stats.success('rpc', 'a', 5, 0);
    stats.takeReport();
    expect([...entry(r.stats, 'rpc', 'a').response_times]).toEqual([[5, 1]]);
    expect([...r.stats_total.num_reqs_per_sec.values()]).toEqual([1]);
  });
});

describe('RequestStats failures', () => {
  it('counts a failure as a request and a failure, with its time in the histogram', () => {
    const stats = new RequestStats({ now: clock().now });
    stats.success('rpc', 'send', 12, 300);
    stats.failure('rpc', 'send', 147.3, 'nonce too low');
    const r = stats.takeReport();
    const send = entry(r.stats, 'rpc', 'send');
    expect(send.num_requests).toBe(2);
    expect(send.num_failures).toBe(1);
    expect(send.total_response_time).toBeCloseTo(159.3, 10);
    expect(send.max_response_time).toBe(147.3);
    expect(send.total_content_length).toBe(300);
    expect(new Map(send.response_times)).toEqual(
      new Map([
        [12, 1],
        [150, 1],
      ]),
    );
    expect(r.stats_total.num_failures).toBe(1);
    expect(stats.totalRequests).toBe(2);
    expect(stats.totalFailures).toBe(1);
  });

  it('reports errors of the window under a sha256 key that every worker computes alike', () => {
    const c = clock();
    const stats = new RequestStats({ now: c.now });
    stats.failure('rpc', 'send', 5, 'timeout');
    stats.failure('rpc', 'send', 6, 'timeout');
    stats.failure('rpc', 'call', 7, 'timeout');
    const r = stats.takeReport();
    const key = createHash('sha256').update('rpc.send.timeout').digest('hex');
    expect(errorKey('rpc', 'send', 'timeout')).toBe(key);
    expect(r.errors[key]).toEqual({ name: 'send', method: 'rpc', error: 'timeout', occurrences: 2 });
    expect(Object.keys(r.errors)).toHaveLength(2);

    const other = new RequestStats({ now: c.now });
    other.failure('rpc', 'send', 1, 'timeout');
    expect(Object.keys(other.takeReport().errors)).toEqual([key]);

    // Errors are per window...
    c.advance(3000);
    stats.failure('rpc', 'send', 5, 'timeout');
    expect(stats.takeReport().errors[key]?.occurrences).toBe(1);
    expect(stats.takeReport().errors).toEqual({});
    // ...and cumulative in the run.
    expect(stats.summary(10).errors.find((e) => e.key === key)?.occurrences).toBe(3);
  });

  it('rejects a non-finite time without counting anything', () => {
    const stats = new RequestStats({ now: clock().now });
    expect(() => stats.success('rpc', 'a', Number.NaN, 0)).toThrow(/finite/);
    expect(() => stats.failure('rpc', 'a', Infinity, 'x')).toThrow(/finite/);
    expect(() => stats.success('rpc', 'a', 1, Number.NaN)).toThrow(/finite/);
    expect(stats.totalRequests).toBe(0);
    expect(stats.takeReport().stats).toEqual([]);
  });
});

describe('RequestStats totals and summary', () => {
  it('stats_total sums every entry of the window', () => {
    const stats = new RequestStats({ now: clock().now });
    const samples: Array<[string, string, number, number]> = [
      ['rpc', 'a', 3.25, 10],
      ['rpc', 'b', 250, 20],
      ['ws', 'a', 1450, 30],
      ['rpc', 'a', 0.5, 40],
    ];
    for (const [t, n, ms, bytes] of samples) stats.success(t, n, ms, bytes);
    stats.failure('ws', 'a', 40, 'closed');
    const r = stats.takeReport();
    const sum = (f: (e: WireStatsEntry) => number) => r.stats.reduce((acc, e) => acc + f(e), 0);
    expect(r.stats).toHaveLength(3);
    expect(r.stats_total.num_requests).toBe(sum((e) => e.num_requests));
    expect(r.stats_total.num_failures).toBe(sum((e) => e.num_failures));
    expect(r.stats_total.total_response_time).toBe(sum((e) => e.total_response_time));
    expect(r.stats_total.total_content_length).toBe(sum((e) => e.total_content_length));
    expect(r.stats_total.min_response_time).toBe(Math.min(...r.stats.map((e) => e.min_response_time ?? Infinity)));
    expect(r.stats_total.max_response_time).toBe(Math.max(...r.stats.map((e) => e.max_response_time)));
    const histogramTotal = [...r.stats_total.response_times.values()].reduce((a, b) => a + b, 0);
    expect(histogramTotal).toBe(5);
  });

  it('summarises the run sorted by (type, name) with nulls for an empty total', () => {
    const c = clock();
    const stats = new RequestStats({ now: c.now });
    const empty = stats.summary(10);
    expect(empty.rows).toEqual([]);
    expect(empty.total).toMatchObject({
      requests: 0,
      median_ms: null,
      p95_ms: null,
      p99_ms: null,
      avg_ms: null,
      min_ms: null,
      max_ms: null,
      rps: 0,
    });

    stats.success('rpc', 'zeta', 10, 0);
    stats.success('rpc', 'alpha', 20, 0);
    stats.success('admin', 'zeta', 30, 0);
    stats.takeReport(); // the run view is not affected by reports
    stats.success('rpc', 'alpha', 40, 0);
    const s = stats.summary(4);
    expect(s.rows.map((r) => `${r.type} ${r.name}`)).toEqual(['admin zeta', 'rpc alpha', 'rpc zeta']);
    expect(s.rows[1]).toMatchObject({ requests: 2, failures: 0, avg_ms: 30, min_ms: 20, max_ms: 40, rps: 0.5 });
    expect(s.total).toMatchObject({ type: '', name: 'Aggregated', requests: 4, avg_ms: 25, min_ms: 10, max_ms: 40, rps: 1 });
  });

  it('gives median, p95 and p99 by Locust rules', () => {
    const stats = new RequestStats({ now: clock().now });
    // 100 requests: 1..100 ms. Buckets: 1..99 as is, 100 -> 100.
    for (let ms = 1; ms <= 100; ms++) stats.success('rpc', 'a', ms, 0);
    const row = stats.summary(1).rows[0];
    // Median: request (100 - 1) / 2 = 49.5 counting from 0 falls in the 50 ms bucket.
    expect(row?.median_ms).toBe(50);
    // Percentile p: the slowest bucket with at most int(100 * p) requests below it.
    expect(row?.p95_ms).toBe(96);
    expect(row?.p99_ms).toBe(100);
  });

  it('current rate: mean per-second count over [last - 12, last - 2), from the run start', () => {
    const start = 1_700_000_000_000;
    const c = clock(start);
    const stats = new RequestStats({ now: c.now });
    // Seconds 0..29 of the run: second s carries s requests.
    for (let s = 0; s < 30; s++) {
      for (let i = 0; i < s; i++) {
        c.set(start + s * 1000 + i);
        stats.success('rpc', 'a', 1, 0);
      }
    }
    const s = stats.summary(30);
    // last = second 29: mean over seconds 17..26.
    const expected = (17 + 18 + 19 + 20 + 21 + 22 + 23 + 24 + 25 + 26) / 10;
    expect(s.total.current_rps).toBe(expected);
    expect(s.rows[0]?.current_rps).toBe(expected);
  });

  it('current rate only looks back to the run start', () => {
    const start = 1_700_000_000_000;
    const c = clock(start);
    const stats = new RequestStats({ now: c.now });
    for (let s = 0; s < 5; s++) {
      c.set(start + s * 1000);
      stats.success('rpc', 'a', 1, 0);
      stats.success('rpc', 'a', 1, 0);
    }
    // last = second 4, window [0, 2): two seconds of 2 requests.
    expect(stats.summary(5).total.current_rps).toBe(2);
  });

  it('keeps only the recent per-second counts of a long run', () => {
    const start = 1_700_000_000_000;
    const c = clock(start);
    const stats = new RequestStats({ now: c.now });
    for (let s = 0; s < 3600; s++) {
      c.set(start + s * 1000);
      stats.success('rpc', 'a', 1, 0);
      stats.failure('rpc', 'a', 1, 'x');
    }
    const snap = stats.snapshot();
    expect(snap.total.num_requests).toBe(7200);
    expect(snap.total.num_reqs_per_sec.size).toBeLessThanOrEqual(25);
    expect(snap.entries[0]?.num_reqs_per_sec.size).toBeLessThanOrEqual(25);
    expect(snap.entries[0]?.num_fail_per_sec.size).toBeLessThanOrEqual(25);
    expect(stats.summary(3600).total.current_rps).toBe(2);
  });

  it('reset() starts a new test: window and run are empty and start now', () => {
    const c = clock();
    const stats = new RequestStats({ now: c.now });
    stats.success('rpc', 'a', 5, 0);
    stats.failure('rpc', 'a', 5, 'x');
    c.advance(10_000);
    stats.reset();
    expect(stats.totalRequests).toBe(0);
    expect(stats.totalFailures).toBe(0);
    const r = stats.takeReport();
    expect(r.stats).toEqual([]);
    expect(r.errors).toEqual({});
    expect(r.stats_total.start_time).toBe(c.now() / 1000);
    const s = stats.summary(1);
    expect(s.rows).toEqual([]);
    expect(s.errors).toEqual([]);
    expect(stats.snapshot().total.start_time).toBe(c.now() / 1000);
  });
});

describe('RequestStats batches (a block of mined transactions)', () => {
  /** Times that fall in several buckets of each range, with ties and repeats. */
  const TIMES = [0.4, 12.5, 12.5, 99.6, 105, 105, 995, 1049.99, 2500, 12_345.6, 7, 0];

  it('successes(...) leaves the same report and summary as one success a time', () => {
    const c = clock();
    const one = new RequestStats({ now: c.now });
    const batched = new RequestStats({ now: c.now });
    one.success('rpc', 'other', 3, 10);
    batched.success('rpc', 'other', 3, 10);
    c.advance(1500);
    for (const ms of TIMES) one.success('mined', 'valueTransfer', ms, 0);
    batched.successes('mined', 'valueTransfer', TIMES);
    c.advance(1000);
    one.successes('mined', 'valueTransfer', []);
    batched.successes('mined', 'valueTransfer', []);
    expect(batched.summary(2.5)).toEqual(one.summary(2.5));
    expect(batched.snapshot()).toEqual(one.snapshot());
    const report = batched.takeReport();
    expect(report).toEqual(one.takeReport());
    expect(entry(report.stats, 'mined', 'valueTransfer').num_requests).toBe(TIMES.length);
  });

  it('rejects a batch holding a non-finite time without counting any of it', () => {
    const stats = new RequestStats({ now: clock().now });
    expect(() => stats.successes('mined', 'a', [1, 2, Number.NaN])).toThrow(/finite/);
    expect(stats.totalRequests).toBe(0);
    expect(stats.takeReport().stats).toEqual([]);
  });
});

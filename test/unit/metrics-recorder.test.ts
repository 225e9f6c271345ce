import { describe, expect, it } from 'vitest';

import { MetricsRecorder } from '../../src/metrics/prometheus.js';
import { PrintingRecorder } from '../../src/runner/run-once.js';
import { RequestStats } from '../../src/stats/request-stats.js';

const TIMES = [0.5, 3, 3, 40, 260, 999, 1_200, 45_000, 61_000];
const NOW = () => 1_700_000_000_000;

describe('recorders that wrap the stats take a batch like its successes one by one', () => {
  it('MetricsRecorder: the same /metrics tallies and the same stats', () => {
    const [oneStats, batchedStats] = [new RequestStats({ now: NOW }), new RequestStats({ now: NOW })];
    const one = new MetricsRecorder(oneStats);
    const batched = new MetricsRecorder(batchedStats);
    for (const ms of TIMES) one.success('mined', 'valueTransfer', ms, 0);
    batched.successes('mined', 'valueTransfer', TIMES);
    const [series] = [...batched.series()];
    expect(series).toEqual([...one.series()][0]);
    expect(series?.requests).toBe(TIMES.length);
    expect(Array.from(series?.buckets ?? []).reduce((a, b) => a + b, 0)).toBe(TIMES.length);
    expect(batchedStats.takeReport()).toEqual(oneStats.takeReport());
  });

  it('PrintingRecorder (--run-tasks): one line per outcome, and each counted', () => {
    const lines: string[] = [];
    const stats = new RequestStats({ now: NOW });
    const printing = new PrintingRecorder(stats, (line) => lines.push(line));
    printing.successes('mined', 'valueTransfer', [1_234.4, 87.6]);
    expect(lines).toEqual(['valueTransfer · mined: ok in 1234 ms', 'valueTransfer · mined: ok in 88 ms']);
    expect(printing.outcomes).toBe(2);
    expect(stats.totalRequests).toBe(2);
  });
});

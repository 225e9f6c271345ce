import { describe, expect, it } from 'vitest';

import { medianFromHistogram, medianResponseTime, responseTimePercentile, responseTimePercentiles } from '../../src/stats/percentile.js';

// 10 requests: five at 10 ms, three at 20 ms, two at 30 ms.
const hist = new Map([
  [20, 3],
  [10, 5],
  [30, 2],
]);

describe('responseTimePercentile (Locust: walk down from the slowest bucket)', () => {
  it('returns the bucket where what is left first fits within the percentile', () => {
    // int(10 * p) requests may be at or under the answer: 0.5 -> 5 (30: 8 left, 20: 5 left).
    expect(responseTimePercentile(hist, 10, 0.5)).toBe(20);
    expect(responseTimePercentile(hist, 10, 0.7)).toBe(20);
    expect(responseTimePercentile(hist, 10, 0.8)).toBe(30);
    expect(responseTimePercentile(hist, 10, 0.95)).toBe(30);
    expect(responseTimePercentile(hist, 10, 1)).toBe(30);
    expect(responseTimePercentile(hist, 10, 0.49)).toBe(10);
    expect(responseTimePercentile(hist, 10, 0)).toBe(10);
  });

  it('gives several percentiles at once, the same as one by one', () => {
    const ps = [0.5, 0.66, 0.95, 0.99, 1];
    expect(responseTimePercentiles(hist, 10, ps)).toEqual(ps.map((p) => responseTimePercentile(hist, 10, p)));
  });

  it('is 0 for an empty histogram', () => {
    expect(responseTimePercentile(new Map(), 0, 0.95)).toBe(0);
  });
});

describe('medianResponseTime (Locust: median_from_dict, clamped to min and max)', () => {
  it('counts up to request (n - 1) / 2, which can differ from the 50% percentile', () => {
    expect(medianFromHistogram(hist, 10)).toBe(10);
    expect(medianResponseTime(hist, 10, 9.6, 31)).toBe(10);
    expect(
      medianFromHistogram(
        new Map([
          [10, 1],
          [20, 1],
          [40, 1],
        ]),
        3,
      ),
    ).toBe(20);
  });

  it('never reports a median above the max or below the min', () => {
    // One request of 147.3 ms lands in bucket 150, but its median is the request itself.
    expect(medianResponseTime(new Map([[150, 1]]), 1, 147.3, 147.3)).toBe(147.3);
    expect(medianResponseTime(new Map([[140, 1]]), 1, 144.6, 144.6)).toBe(144.6);
  });

  it('is 0 for an empty histogram', () => {
    expect(medianResponseTime(new Map(), 0, null, 0)).toBe(0);
  });
});

/**
 * Locust's two readings of a response-time histogram (stats.py 2.12.1). They disagree on
 * purpose: Locust labels the clamped `median_from_dict` result "Median" and the walk from the
 * top "50%", and a user comparing our numbers with Locust's expects both as Locust has them.
 */

type Histogram = ReadonlyMap<number, number>;

/**
 * `calculate_response_time_percentile`: walk the buckets from the slowest down until what is
 * left is no more than `percent` of the requests. 0 when the histogram is empty.
 */
export function responseTimePercentile(histogram: Histogram, numRequests: number, percent: number): number {
  return responseTimePercentiles(histogram, numRequests, [percent])[0] ?? 0;
}

/** The same rule for several percentiles, sorting the buckets once. */
export function responseTimePercentiles(histogram: Histogram, numRequests: number, percents: readonly number[]): number[] {
  const keys = [...histogram.keys()].sort((a, b) => b - a);
  return percents.map((percent) => {
    // Python's int() truncates; the product is the same IEEE double in both languages.
    const within = Math.trunc(numRequests * percent);
    let processed = 0;
    for (const key of keys) {
      processed += histogram.get(key) ?? 0;
      if (numRequests - processed <= within) return key;
    }
    return 0;
  });
}

/**
 * `StatsEntry.median_response_time`: the middle bucket (`median_from_dict`), clamped to the
 * exact min and max so that one slow request never reports a median above its own maximum.
 * 0 when the histogram is empty, as in Locust.
 */
export function medianResponseTime(histogram: Histogram, numRequests: number, min: number | null, max: number): number {
  if (histogram.size === 0) return 0;
  const median = medianFromHistogram(histogram, numRequests);
  if (median > max) return max;
  if (min !== null && median < min) return min;
  return median;
}

/** `median_from_dict`: the bucket holding request number (total - 1) / 2, counting up. */
export function medianFromHistogram(histogram: Histogram, total: number): number {
  let pos = (total - 1) / 2;
  let key = 0;
  for (key of [...histogram.keys()].sort((a, b) => a - b)) {
    const count = histogram.get(key) ?? 0;
    if (pos < count) return key;
    pos -= count;
  }
  return key;
}

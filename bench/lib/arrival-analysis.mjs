/**
 * What the arrival times of a rate-limited run say about the limiter. Pure functions over
 * times in milliseconds, in arrival order.
 */

/** The gaps between consecutive arrivals, sorted ascending. */
export function sortedGaps(times) {
  const gaps = new Float64Array(Math.max(0, times.length - 1));
  for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i] - times[i - 1];
  return gaps.sort();
}

/** Nearest-rank percentile (p in 0..100) of an ascending array; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Checks a per-second budget of `perSecond` requests against arrivals, with second 0 starting
 * at `origin` (the limiter's start, in the same clock; by default the first arrival, which is
 * late by the first request's latency, connection set-up included).
 *
 * - `early`: requests that arrived while the count so far already exceeded the budgets of the
 *   seconds begun so far, i.e. requests that started before their second.
 * - `counts`: arrivals in each second [origin + k s, origin + (k+1) s). A second may hold more
 *   than the budget without anything starting early: requests started at the end of the
 *   previous second can arrive after its boundary.
 * - `earliestSecondStartMs` / `latestSecondStartMs`: how long after each second's boundary its
 *   first request arrived (seconds 1 and later): the limiter's timer lateness plus the request's
 *   latency, give or take the error of the origin.
 */
export function secondBudget(times, perSecond, origin = times[0]) {
  if (times.length === 0) return { early: 0, counts: [], earliestSecondStartMs: NaN, latestSecondStartMs: NaN };
  const counts = [];
  let early = 0;
  let earliestStart = Infinity;
  let latestStart = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const sinceOrigin = times[i] - origin;
    const second = Math.floor(sinceOrigin / 1000);
    if (i + 1 > perSecond * (second + 1)) early++;
    if (second < 0) continue;
    if (counts[second] === undefined) {
      counts[second] = 0;
      if (second > 0) {
        const start = sinceOrigin - second * 1000;
        earliestStart = Math.min(earliestStart, start);
        latestStart = Math.max(latestStart, start);
      }
    }
    counts[second]++;
  }
  for (let k = 0; k < counts.length; k++) counts[k] ??= 0;
  return {
    early,
    counts,
    earliestSecondStartMs: Number.isFinite(earliestStart) ? earliestStart : NaN,
    latestSecondStartMs: Number.isFinite(latestStart) ? latestStart : NaN,
  };
}

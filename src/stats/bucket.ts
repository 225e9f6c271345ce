/**
 * Locust's histogram key for a response time (stats.py, `_log_response_time`): two significant
 * digits, rounded with Python's `round`, which is round-half-to-even on the exact binary value
 * of the double. Matching it keeps our percentiles identical to a Python worker's.
 */
export function responseTimeBucket(ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError(`response time must be a finite number of ms, got ${ms}`);
  if (ms < 100) return roundHalfEven(ms, 1);
  if (ms < 1000) return roundHalfEven(ms, 10);
  if (ms < 10000) return roundHalfEven(ms, 100);
  return roundHalfEven(ms, 1000);
}

/**
 * Rounds x to a multiple of `step` (1, 10, 100 or 1000). Working from the integer part keeps
 * every step exact: dividing x by the step first would itself round, and could turn a value
 * just below a tie into a tie (or the other way round).
 */
function roundHalfEven(x: number, step: number): number {
  const whole = Math.floor(x);
  const rem = ((whole % step) + step) % step;
  const base = whole - rem;
  // x - base, exactly: it needs no more significant bits than x itself.
  const distance = rem + (x - whole);
  const half = step / 2;
  let r: number;
  if (distance > half) r = base + step;
  else if (distance < half) r = base;
  else r = (base / step) % 2 === 0 ? base : base + step;
  // Never hand out -0: as a map key it is 0, but an encoder may write it as a float.
  return r === 0 ? 0 : r;
}

/**
 * `--request-increase-rate` (Boomer's RampUpRateLimiter): the cap starts at `step` and grows by
 * `step` every period until it reaches --max-rps (or without bound when that is 0). It is a cap
 * schedule rather than a limiter of its own, so the ramp works with both the bucket and the
 * smooth limiter; the budget is still refilled per second, from the cap at that second's start.
 */
import type { CapSchedule, IncreaseRate } from './limiter.js';

export function rampUpSchedule({ step, periodMs }: IncreaseRate, maxRps: number): CapSchedule {
  return (elapsedMs) => {
    const cap = step * (1 + Math.floor(elapsedMs / periodMs));
    return maxRps > 0 ? Math.min(cap, maxRps) : cap;
  };
}

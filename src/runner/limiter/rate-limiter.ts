/**
 * `--max-rps`, `--rps-mode` and `--request-increase-rate`: how fast the users of this process
 * may start requests. Every user awaits `acquire()` before each iteration.
 */
import { UsageError } from '../../util/errors.js';
import type { CapSchedule, IncreaseRate, LimiterClock, RateLimiter, RpsMode } from './limiter.js';
import { SYSTEM_CLOCK } from './limiter.js';
import { rampUpSchedule } from './ramp-up-schedule.js';
import { createSmoothLimiter } from './smooth-limiter.js';
import { createTokenBucketLimiter } from './token-bucket-limiter.js';
import { UnlimitedLimiter } from './unlimited-limiter.js';

export interface RateLimiterOptions {
  /** Requests per second for this process; 0 = unlimited (or no ceiling for a ramp). */
  maxRps: number;
  /** Default 'bucket'. */
  mode?: RpsMode;
  increaseRate?: IncreaseRate | null;
  clock?: LimiterClock;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { maxRps, mode = 'bucket', increaseRate, clock = SYSTEM_CLOCK } = options;
  if (!Number.isSafeInteger(maxRps) || maxRps < 0) {
    throw new UsageError(`--max-rps must be a whole number >= 0 (0 = unlimited), got ${maxRps}`);
  }
  let schedule: CapSchedule;
  if (increaseRate) schedule = rampUpSchedule(increaseRate, maxRps);
  else if (maxRps > 0) schedule = () => maxRps;
  else return new UnlimitedLimiter(clock);
  return mode === 'smooth' ? createSmoothLimiter(schedule, clock) : createTokenBucketLimiter(schedule, clock);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const INCREASE_RATE = /^(\d+)(?:\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|h))?$/;

/** Parses `--request-increase-rate`: "100" (per second), "100/1s", "10/500ms", "5/2m", "100/s". */
export function parseIncreaseRate(text: string): IncreaseRate {
  const match = INCREASE_RATE.exec(text.trim());
  const step = Number(match?.[1]);
  const periodMs = Number(match?.[2] ?? 1) * (UNIT_MS[match?.[3] ?? 's'] ?? NaN);
  if (!match || !Number.isSafeInteger(step) || step < 1 || !(periodMs >= 1)) {
    throw new UsageError(
      `--request-increase-rate: expected "<requests>[/<period>]" with a whole number of requests >= 1 ` +
        `and a period of at least 1ms, like "100", "100/1s" or "10/500ms"; got ${JSON.stringify(text)}`,
    );
  }
  return { step, periodMs };
}

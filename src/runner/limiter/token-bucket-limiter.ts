/**
 * `--max-rps` (default mode): a per-second budget shared by every user of the process. Second k
 * runs from start + k*1000 ms and its budget, `schedule(k*1000)`, is handed out only from then
 * on. Unused budget is lost at the end of its second, so an idle period never buys a burst.
 */
import type { CapSchedule, LimiterClock, RateLimiter } from './limiter.js';
import { type GrantPolicy, PacedLimiter } from './paced-limiter.js';

export class TokenBucketPolicy implements GrantPolicy {
  private second = -1;
  private left = 0;

  constructor(readonly schedule: CapSchedule) {}

  take(elapsedMs: number): boolean {
    const second = Math.floor(elapsedMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.left = this.schedule(second * 1000);
    }
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }

  nextAt(elapsedMs: number): number {
    return (Math.floor(elapsedMs / 1000) + 1) * 1000;
  }

  reset(): void {
    this.second = -1;
    this.left = 0;
  }
}

export function createTokenBucketLimiter(schedule: CapSchedule, clock: LimiterClock): RateLimiter {
  return new PacedLimiter(new TokenBucketPolicy(schedule), clock);
}

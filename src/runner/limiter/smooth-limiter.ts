/**
 * `--rps-mode smooth`: the same per-second budget, spread evenly. Second k has N = schedule(k*1000)
 * slots at start + k*1000 + j*1000/N ms (j < N); with a fixed cap that is grant i at
 * start + i*1000/N. No grant happens before its slot, and each slot is granted once.
 *
 * Slots that pass while nobody waits are lost, except the most recent one: a user arriving just
 * after a slot gets it at once instead of idling until the next, so the burst after an idle
 * spell is at most one grant. Slots that pass while users *are* waiting are not lost; a late
 * timer hands them out together, which keeps high rates (slots < 1 ms apart) achievable.
 */
import type { CapSchedule, LimiterClock, RateLimiter } from './limiter.js';
import { type GrantPolicy, PacedLimiter } from './paced-limiter.js';

export class SmoothPolicy implements GrantPolicy {
  /** The next slot to hand out: second and index within that second. */
  private second = 0;
  private slot = 0;

  constructor(readonly schedule: CapSchedule) {}

  take(elapsedMs: number, queued: boolean): boolean {
    if (!queued) this.skipTo(this.latestSlot(elapsedMs));
    this.normalize();
    if (this.slotTime(this.second, this.slot) > elapsedMs) return false;
    this.slot++;
    return true;
  }

  /** The next unclaimed slot; in the past when waiters are owed slots a late timer missed. */
  nextAt(): number {
    this.normalize();
    return this.slotTime(this.second, this.slot);
  }

  reset(): void {
    this.second = 0;
    this.slot = 0;
  }

  private slotTime(second: number, slot: number): number {
    return second * 1000 + (slot * 1000) / this.schedule(second * 1000);
  }

  /** The last slot whose time is <= elapsedMs. */
  private latestSlot(elapsedMs: number): [number, number] {
    const second = Math.floor(elapsedMs / 1000);
    const cap = this.schedule(second * 1000);
    let slot = Math.min(cap - 1, Math.floor(((elapsedMs - second * 1000) * cap) / 1000));
    if (slot > 0 && this.slotTime(second, slot) > elapsedMs) slot--; // floating-point edge
    return [second, slot];
  }

  private skipTo([second, slot]: [number, number]): void {
    if (second > this.second || (second === this.second && slot > this.slot)) {
      this.second = second;
      this.slot = slot;
    }
  }

  /** Moves past the end of a second (its cap may have changed with a ramp). */
  private normalize(): void {
    while (this.slot >= this.schedule(this.second * 1000)) {
      this.second++;
      this.slot = 0;
    }
  }
}

export function createSmoothLimiter(schedule: CapSchedule, clock: LimiterClock): RateLimiter {
  return new PacedLimiter(new SmoothPolicy(schedule), clock, { subMillisecond: true });
}

/**
 * What every limiter is and what it runs on: the interface the users await, its clock, and
 * the cap schedule. The policies (token-bucket-limiter.ts, smooth-limiter.ts,
 * unlimited-limiter.ts) implement it; rate-limiter.ts picks one from the flags.
 */
import type { Waiter } from '../../util/waiter-queue.js';
import { createPreciseTimer, PRECISE_TIMERS_AVAILABLE, type PreciseTimer } from './precise-timer.js';

export interface RateLimiter {
  /**
   * Resolves true when the caller may start one request; false if the limiter was stopped or
   * `waiter.cancel()` was called while waiting. A caller that waits often passes its own
   * waiter, so a wait allocates nothing else.
   */
  acquire(waiter?: Waiter): Promise<boolean>;
  /**
   * The answer acquire() would give, when it is known now without waiting: true or false as
   * there, undefined when the caller must await acquire(). A user asks this first, so an
   * uncapped test's iteration awaits nothing before its request (a promise turn per request,
   * measured on blockNumber).
   */
  decideNow(): boolean | undefined;
  /**
   * Begins refilling (a fresh budget is available right away). With `untilMs`, nothing is
   * granted from that many ms after start on, so a run of fixed length gets exactly its
   * seconds' budgets whichever timer fires first at the end.
   */
  start(options?: LimiterStartOptions): void;
  /** Releases all waiters with false, clears timers. */
  stop(): void;
  /** Current per-second cap (0 = unlimited). */
  readonly cap: number;
}

export interface LimiterStartOptions {
  untilMs?: number;
}

export type RpsMode = 'bucket' | 'smooth';

/** The per-second cap (a positive integer) as a function of the ms elapsed since start. */
export type CapSchedule = (elapsedMs: number) => number;

/** Time source and timers; injected so tests can drive time. */
export interface LimiterClock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
  /**
   * A timer with sub-millisecond resolution on the same time scale as `now`, for waits shorter
   * than a Node timer can do. A clock without it (a fake one) uses timers only.
   */
  preciseTimer?(callback: () => void): PreciseTimer;
}

export const SYSTEM_CLOCK: LimiterClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  ...(PRECISE_TIMERS_AVAILABLE ? { preciseTimer: createPreciseTimer } : {}),
};

/** A parsed `--request-increase-rate`: the cap grows by `step` every `periodMs`. */
export interface IncreaseRate {
  step: number;
  periodMs: number;
}

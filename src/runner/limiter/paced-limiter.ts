/**
 * The machinery shared by the token-bucket and smooth limiters: the FIFO of waiting users, one
 * timer (plus a sub-millisecond one in smooth mode), start/stop. When grants may happen is the policy's business; it only sees the
 * milliseconds elapsed since `start()`, so it never accumulates timer drift.
 */
import { type Waiter, WaiterQueue } from '../../util/waiter-queue.js';
import type { CapSchedule, LimiterClock, LimiterStartOptions, RateLimiter } from './limiter.js';
import type { PreciseTimer } from './precise-timer.js';

/** Decides when grants happen, as a function of the time elapsed since start (ms). */
export interface GrantPolicy {
  /**
   * Takes one grant if one is due at `elapsedMs`. `queued` is true when the grant goes to a
   * caller that was already waiting, false for a caller that just arrived at an empty queue
   * (a smooth policy drops the slots that passed while nobody waited).
   */
  take(elapsedMs: number, queued: boolean): boolean;
  /** When `take` may next succeed (not after `elapsedMs` if a grant is already due). */
  nextAt(elapsedMs: number): number;
  /** Forgets everything: called on every start. */
  reset(): void;
  readonly schedule: CapSchedule;
}

const GRANTED = Promise.resolve(true);
const DENIED = Promise.resolve(false);

/**
 * With `subMillisecond`, a wait shorter than this ends on a precise timer (see
 * precise-timer.ts) rather than a Node timer, which has 1 ms resolution and often fires up to
 * 1 ms late: at 1,000/s and above that bunched smooth grants into whole milliseconds. A longer
 * wait sleeps on a Node timer due this much early, then on the precise timer for the rest.
 */
const PRECISE_WITHIN_MS = 2;

export interface PacedLimiterOptions {
  /** Time grants to a fraction of a millisecond (smooth mode), when the clock can. */
  subMillisecond?: boolean;
}

export class PacedLimiter implements RateLimiter {
  private readonly queue = new WaiterQueue(false);
  private origin: number | undefined;
  private stopped = false;
  private until = Infinity;
  /** The pending Node timer. */
  private timer: unknown;
  /** Made on the first sub-millisecond wait; kept for the limiter's life. */
  private precise: PreciseTimer | undefined;
  private preciseArmed = false;
  private readonly subMillisecond: boolean;

  constructor(
    private readonly policy: GrantPolicy,
    private readonly clock: LimiterClock,
    options: PacedLimiterOptions = {},
  ) {
    this.subMillisecond = options.subMillisecond === true && clock.preciseTimer !== undefined;
  }

  get cap(): number {
    return this.policy.schedule(this.origin === undefined ? 0 : this.elapsed());
  }

  /** A capped test always goes through acquire(): its queue keeps the waiters in order, and its rate is below what a core can do anyway. */
  decideNow(): undefined {
    return undefined;
  }

  acquire(waiter?: Waiter): Promise<boolean> {
    if (this.stopped) return DENIED;
    if (this.origin === undefined) return this.queue.wait(waiter); // released by start()
    const elapsed = this.elapsed();
    if (elapsed >= this.until) return DENIED;
    if (this.queue.size === 0 && this.policy.take(elapsed, false)) return GRANTED;
    const granted = this.queue.wait(waiter);
    this.arm(elapsed);
    return granted;
  }

  /** Idempotent while running; after stop() it starts over with a fresh budget. */
  start(options: LimiterStartOptions = {}): void {
    if (this.origin !== undefined) return;
    this.stopped = false;
    this.until = options.untilMs ?? Infinity;
    this.policy.reset();
    this.origin = this.clock.now();
    this.release();
  }

  stop(): void {
    this.stopped = true;
    this.origin = undefined;
    this.disarm();
    this.queue.denyAll();
  }

  private elapsed(): number {
    return this.clock.now() - (this.origin ?? 0);
  }

  /** Grants what is due, in FIFO order, and no more: the rest keep waiting without waking. */
  private release(): void {
    const elapsed = this.elapsed();
    if (elapsed >= this.until) {
      this.queue.denyAll();
      return;
    }
    while (this.queue.size > 0 && this.policy.take(elapsed, true)) this.queue.grantNext(true);
    if (this.queue.size > 0) this.arm(elapsed);
  }

  /**
   * Wakes the queue at the first grant after `decidedAt`, the elapsed time at which the caller
   * found nothing more due. Not the clock read again here: a second boundary crossed between
   * the two reads made the next-but-one boundary the target, and the whole second in between
   * went without a grant (seen in CI: 950 of 1,000 requests at --max-rps 50 for 20 s, a timer
   * firing a hair before a boundary). The wait itself is measured from now.
   */
  private arm(decidedAt: number): void {
    if (this.timer !== undefined || this.preciseArmed) return;
    const next = this.policy.nextAt(decidedAt);
    const wait = next - this.elapsed();
    if (this.subMillisecond) {
      if (wait < PRECISE_WITHIN_MS) {
        this.precise ??= this.clock.preciseTimer!(this.onTimer);
        this.preciseArmed = true;
        this.precise.set((this.origin ?? 0) + next);
      } else {
        this.timer = this.clock.setTimer(this.onTimer, Math.floor(wait - PRECISE_WITHIN_MS + 1));
      }
      return;
    }
    // Whole milliseconds, rounded up: timers cannot do better, and a timer that fires a hair
    // before its slot would only re-arm itself for the remaining fraction.
    this.timer = this.clock.setTimer(this.onTimer, wait <= 0 ? 0 : Math.ceil(wait));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    if (this.preciseArmed) this.precise?.cancel();
    this.timer = undefined;
    this.preciseArmed = false;
  }

  // A timer that fires a little early finds nothing due and simply re-arms for the remainder.
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.preciseArmed = false;
    this.release();
  };
}

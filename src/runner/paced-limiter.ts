/**
 * The machinery shared by the token-bucket and smooth limiters: the FIFO of waiting users, one
 * timer, start/stop. When grants may happen is the policy's business; it only sees the
 * milliseconds elapsed since `start()`, so it never accumulates timer drift.
 */
import type { CapSchedule, LimiterClock, LimiterStartOptions, RateLimiter } from './rate-limiter.js';
import { WaiterQueue } from './waiter-queue.js';

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

export class PacedLimiter implements RateLimiter {
  private readonly queue = new WaiterQueue();
  private origin: number | undefined;
  private stopped = false;
  private until = Infinity;
  private timer: unknown;

  constructor(
    private readonly policy: GrantPolicy,
    private readonly clock: LimiterClock,
  ) {}

  get cap(): number {
    return this.policy.schedule(this.origin === undefined ? 0 : this.elapsed());
  }

  acquire(signal?: AbortSignal): Promise<boolean> {
    if (this.stopped || signal?.aborted) return DENIED;
    if (this.origin === undefined) return this.queue.wait(signal); // released by start()
    const elapsed = this.elapsed();
    if (elapsed >= this.until) return DENIED;
    if (this.queue.size === 0 && this.policy.take(elapsed, false)) return GRANTED;
    const granted = this.queue.wait(signal);
    this.arm();
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
    while (this.queue.size > 0 && this.policy.take(elapsed, true)) this.queue.grantNext();
    if (this.queue.size > 0) this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    const elapsed = this.elapsed();
    const wait = this.policy.nextAt(elapsed) - elapsed;
    // Whole milliseconds, rounded up: timers cannot do better, and a timer that fires a hair
    // before its slot would only re-arm itself for the remaining fraction.
    this.timer = this.clock.setTimer(this.onTimer, wait <= 0 ? 0 : Math.ceil(wait));
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  // A timer that fires a little early finds nothing due and simply re-arms for the remainder.
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.release();
  };
}

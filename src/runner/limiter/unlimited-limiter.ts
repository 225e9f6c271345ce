/** `--max-rps 0`: no limit. `acquire` is the hot path of an uncapped test, so it allocates nothing. */
import { type LimiterClock, type LimiterStartOptions, type RateLimiter, SYSTEM_CLOCK } from './limiter.js';

const GRANTED = Promise.resolve(true);
const DENIED = Promise.resolve(false);

export class UnlimitedLimiter implements RateLimiter {
  readonly cap = 0;
  private stopped = false;
  /** The clock's time from which nothing is granted; Infinity when the run has no end. */
  private deadline = Infinity;

  constructor(private readonly clock: LimiterClock = SYSTEM_CLOCK) {}

  acquire(): Promise<boolean> {
    return this.decideNow() ? GRANTED : DENIED;
  }

  decideNow(): boolean {
    if (this.stopped) return false;
    return this.deadline === Infinity || this.clock.now() < this.deadline;
  }

  start(options: LimiterStartOptions = {}): void {
    this.stopped = false;
    this.deadline = options.untilMs === undefined ? Infinity : this.clock.now() + options.untilMs;
  }

  stop(): void {
    this.stopped = true;
  }
}

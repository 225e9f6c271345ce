/** `--max-rps 0`: no limit. `acquire` is the hot path of an uncapped test, so it allocates nothing. */
import type { LimiterStartOptions, RateLimiter } from './limiter.js';

const GRANTED = Promise.resolve(true);
const DENIED = Promise.resolve(false);

export class UnlimitedLimiter implements RateLimiter {
  readonly cap = 0;
  private stopped = false;
  /** performance.now() from which nothing is granted; Infinity when the run has no end. */
  private deadline = Infinity;

  acquire(): Promise<boolean> {
    if (this.stopped) return DENIED;
    return this.deadline === Infinity || performance.now() < this.deadline ? GRANTED : DENIED;
  }

  start(options: LimiterStartOptions = {}): void {
    this.stopped = false;
    this.deadline = options.untilMs === undefined ? Infinity : performance.now() + options.untilMs;
  }

  stop(): void {
    this.stopped = true;
  }
}

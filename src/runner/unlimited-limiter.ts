/** `--max-rps 0`: no limit. `acquire` is the hot path of an uncapped test, so it allocates nothing. */
import type { RateLimiter } from './rate-limiter.js';

const GRANTED = Promise.resolve(true);
const DENIED = Promise.resolve(false);

export class UnlimitedLimiter implements RateLimiter {
  readonly cap = 0;
  private stopped = false;

  acquire(signal?: AbortSignal): Promise<boolean> {
    return this.stopped || signal?.aborted ? DENIED : GRANTED;
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
  }
}

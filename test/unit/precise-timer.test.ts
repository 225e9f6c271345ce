/**
 * The sub-millisecond timer behind --rps-mode smooth, and the smooth limiter on the real clock:
 * grants spread over the second instead of bunching into whole milliseconds.
 */
import { describe, expect, it } from 'vitest';

import { createPreciseTimer } from '../../src/runner/limiter/precise-timer.js';
import { createRateLimiter } from '../../src/runner/limiter/rate-limiter.js';

function firing(): { timer: ReturnType<typeof createPreciseTimer>; fired: number[]; next: () => Promise<number> } {
  const fired: number[] = [];
  let wake: (() => void) | undefined;
  const timer = createPreciseTimer(() => {
    fired.push(performance.now());
    wake?.();
  });
  const next = () =>
    new Promise<number>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('the precise timer did not fire within 2 s')), 2_000);
      wake = () => {
        clearTimeout(deadline);
        resolve(fired.at(-1)!);
      };
    });
  return { timer, fired, next };
}

describe('precise timer', () => {
  it('fires once, never before its deadline, for deadlines a fraction of a millisecond apart', async () => {
    const { timer, fired, next } = firing();
    for (let i = 0; i < 50; i++) {
      const at = performance.now() + 0.3;
      const woke = next();
      timer.set(at);
      expect(await woke).toBeGreaterThanOrEqual(at);
    }
    expect(fired).toHaveLength(50);
  });

  it('a new deadline replaces the last one, and cancel stops it', async () => {
    const { timer, fired, next } = firing();
    const later = performance.now() + 60;
    const woke = next();
    timer.set(performance.now() + 30);
    timer.set(later);
    expect(await woke).toBeGreaterThanOrEqual(later);
    timer.set(performance.now() + 20);
    timer.cancel();
    await new Promise((r) => setTimeout(r, 100));
    expect(fired).toHaveLength(1);
  });
});

describe('smooth limiter on the real clock', () => {
  it('spreads 2,000 grants a second evenly instead of in whole-millisecond bunches', async () => {
    const limiter = createRateLimiter({ maxRps: 2_000, mode: 'smooth' });
    const grants: number[] = [];
    let running = true;
    // More users than the rate needs, each busy for a while after a grant, as real users are.
    for (let u = 0; u < 50; u++) {
      void (async () => {
        while (running && (await limiter.acquire())) {
          grants.push(performance.now());
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    }
    const startedAt = performance.now();
    limiter.start();
    // Counted against our own clock: the grants of the first second, whenever this wait ends.
    await new Promise((r) => setTimeout(r, 1_200));
    running = false;
    limiter.stop();
    const firstSecond = grants.filter((t) => t < startedAt + 1_000);
    const gaps = firstSecond
      .slice(1)
      .map((t, i) => t - firstSecond[i]!)
      .sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    // Ideal 0.5 ms; 1 ms timers hand out two grants at once per millisecond (median ~0).
    expect(firstSecond.length).toBeGreaterThan(1_800);
    expect(firstSecond.length).toBeLessThanOrEqual(2_001);
    expect(median).toBeGreaterThan(0.3);
    expect(median).toBeLessThan(0.7);
  });
});

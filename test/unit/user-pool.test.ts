/**
 * Users: bound to tasks by weight with totals always exact, hatched at a rate, stopped with a
 * bounded wait that never counts an abandoned iteration.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { allocateUsers } from '../../src/runner/allocate.js';
import { createRateLimiter } from '../../src/runner/limiter/rate-limiter.js';
import type { Task, User } from '../../src/runner/task.js';
import { TASK_ERROR_TYPE, UserPool } from '../../src/runner/user-pool.js';
import { RequestStats } from '../../src/stats/request-stats.js';

const log = pino({ level: 'silent' });

function task(
  name: string,
  weight: number,
  run: (user: User) => Promise<void> = async (u) => {
    await new Promise((r) => setTimeout(r, 2));
    u.recorder.success('t', name, 1, 1);
  },
): Task {
  return { name, weight, run };
}

function pool(tasks: Task[], maxRps = 0) {
  const stats = new RequestStats();
  const limiter = createRateLimiter({ maxRps });
  limiter.start();
  return { stats, limiter, pool: new UserPool({ tasks, limiter, recorder: stats, log }) };
}

describe('allocateUsers (largest remainder)', () => {
  it.each([
    [[1, 3], 8, [2, 6]],
    [[1, 1], 3, [2, 1]],
    [[3, 1], 2, [2, 0]],
    [[1, 3], 1, [0, 1]],
    [[2, 3, 5], 7, [1, 2, 4]],
    [[1, 1, 1], 0, [0, 0, 0]],
  ])('weights %j over %i users → %j', (weights, total, expected) => {
    expect(allocateUsers(weights, total)).toEqual(expected);
  });

  it('always adds up exactly, for any weights and totals', () => {
    for (let i = 0; i < 2_000; i++) {
      const weights = Array.from({ length: 1 + (i % 6) }, (_, j) => 1 + ((i * 7 + j * 13) % 9));
      const total = (i * 31) % 1_000;
      const parts = allocateUsers(weights, total);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      // No part is further than one user from its exact quota.
      const sum = weights.reduce((a, b) => a + b, 0);
      parts.forEach((p, k) => expect(Math.abs(p - (total * weights[k]!) / sum)).toBeLessThan(1));
    }
  });
});

describe('UserPool', () => {
  it('binds users to tasks by weight and reaches absolute targets at once', async () => {
    const { pool: p, limiter } = pool([task('a', 1), task('b', 3)]);
    p.setTarget(8);
    expect(Object.fromEntries(p.countsByTask())).toEqual({ a: 2, b: 6 });
    p.setTarget(3);
    expect(p.count).toBe(3);
    p.setTarget(20);
    expect(Object.fromEntries(p.countsByTask())).toEqual({ a: 5, b: 15 });
    expect(await p.stopAll(1_000)).toBe(0);
    expect(p.count).toBe(0);
    limiter.stop();
  });

  it('hatches evenly at the rate: 10 users at 5/s take 2 s, starting one at once', async () => {
    const { pool: p, limiter } = pool([task('a', 1)]);
    const started = performance.now();
    const counts: number[] = [];
    const sampler = setInterval(() => counts.push(p.count), 100);
    expect(await p.rampTo(10, 5)).toBe(true);
    clearInterval(sampler);
    const tookS = (performance.now() - started) / 1000;
    expect(tookS).toBeGreaterThan(1.9);
    expect(tookS).toBeLessThan(2.3);
    expect(p.count).toBe(10);
    // Roughly linear: about half the users by the middle of the ramp.
    expect(counts[9]).toBeGreaterThanOrEqual(4);
    expect(counts[9]).toBeLessThanOrEqual(7);
    await p.stopAll(1_000);
    limiter.stop();
  });

  it('a new target cuts a ramp short', async () => {
    const { pool: p, limiter } = pool([task('a', 1)]);
    const ramp = p.rampTo(100, 10);
    await new Promise((r) => setTimeout(r, 250));
    p.setTarget(2);
    expect(await ramp).toBe(false);
    expect(p.count).toBe(2);
    await p.stopAll(1_000);
    limiter.stop();
  });

  it('a task that throws is a failure with its message, and the user goes on', async () => {
    let calls = 0;
    const {
      pool: p,
      stats,
      limiter,
    } = pool([
      task('boom', 1, async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 1));
        throw new Error('kaput');
      }),
    ]);
    p.setTarget(1);
    while (calls < 5) await new Promise((r) => setTimeout(r, 5));
    await p.stopAll(1_000);
    limiter.stop();
    const { rows, errors } = stats.summary(1);
    expect(rows[0]).toMatchObject({ type: TASK_ERROR_TYPE, name: 'boom', failures: calls, requests: calls });
    expect(errors[0]).toMatchObject({ error: 'kaput', occurrences: calls });
  });

  it('stop waits for in-flight iterations up to the grace, then drops whatever they record later', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const {
      pool: p,
      stats,
      limiter,
    } = pool([
      task('slow', 1, async (u) => {
        await gate;
        u.recorder.success('t', 'slow', 1, 1);
      }),
    ]);
    p.setTarget(3);
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    expect(await p.stopAll(200)).toBe(3);
    expect(performance.now() - started).toBeLessThan(1_000);
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(stats.totalRequests).toBe(0);
    limiter.stop();
  });

  it('users that ended on their own at a run deadline are not reported as abandoned', async () => {
    const stats = new RequestStats();
    const limiter = createRateLimiter({ maxRps: 0 });
    limiter.start({ untilMs: 100 });
    const p = new UserPool({ tasks: [task('a', 1)], limiter, recorder: stats, log });
    p.setTarget(3);
    await new Promise((r) => setTimeout(r, 250));
    expect(await p.stopAll(1_000)).toBe(0);
    expect(stats.totalRequests).toBeGreaterThan(0);
    limiter.stop();
  });
  it('stops users waiting in the limiter queue at once, and the queue is empty afterwards', async () => {
    // 1 request per second: after the first grant every user waits in the queue.
    const { pool: p, stats, limiter } = pool([task('idle', 1)], 1);
    p.setTarget(5_000);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    expect(await p.stopAll(5_000)).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(p.count).toBe(0);
    // Nobody is left queued in front of a new user: it gets the next second's grant.
    const before = stats.totalRequests;
    p.setTarget(1);
    const deadline = performance.now() + 3_000;
    while (stats.totalRequests === before && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stats.totalRequests).toBe(before + 1);
    await p.stopAll(1_000);
    limiter.stop();
  });

  it("aborts a user's signal when it stops, whether the task read it before or after", async () => {
    const seen: AbortSignal[] = [];
    const { pool: p, limiter } = pool([
      task('waits', 1, async (u) => {
        const signal = u.signal;
        seen.push(signal);
        // A long wait that only the signal ends, as a receipt wait would.
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      }),
    ]);
    p.setTarget(2);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(seen.every((s) => !s.aborted)).toBe(true);
    expect(await p.stopAll(2_000)).toBe(0);
    expect(seen.every((s) => s.aborted)).toBe(true);
    limiter.stop();

    let late: AbortSignal | undefined;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const other = pool([
      task('reads-late', 1, async (u) => {
        await gate;
        late = u.signal;
      }),
    ]);
    other.pool.setTarget(1);
    await new Promise((r) => setTimeout(r, 20));
    const stopping = other.pool.stopAll(2_000);
    release();
    expect(await stopping).toBe(0);
    expect(late?.aborted).toBe(true);
    other.limiter.stop();
  });

  it('does not wait again for iterations it already abandoned', async () => {
    const { pool: p, limiter } = pool([task('stuck', 1, () => new Promise<void>(() => undefined))]);
    p.setTarget(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(await p.stopAll(50)).toBe(2);
    const started = performance.now();
    expect(await p.stopAll(5_000)).toBe(0);
    expect(performance.now() - started).toBeLessThan(100);
    limiter.stop();
  });
});

/**
 * 2.x spawn handling: absolute per-class targets applied at once, the master's class map
 * echoed back, users split over our tasks by weight, stale spawns dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { CountingTask, Harnesses, statsOf, type WorkerHarness } from '../support/master-harness.js';
import { eventually } from '../support/processes.js';

const harnesses = new Harnesses();
afterEach(() => harnesses.closeAll());

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, n) => a + n, 0);
}

/** Waits until `n` distinct users have run an iteration (users really run, not just exist). */
function usersSeen(h: WorkerHarness, n: number): Promise<number> {
  return eventually(
    () => {
      const seen = h.tasks.reduce((a, t) => a + t.users.size, 0);
      return seen >= n ? seen : undefined;
    },
    10_000,
    `${n} users running`,
    20,
  );
}

describe('spawn', () => {
  it('answers spawning then spawning_complete echoing the master map, and runs sum(counts) users split by weight', async () => {
    const h = await harnesses.start({ tasks: [new CountingTask('light', 1), new CountingTask('heavy', 3)] });
    await h.register();
    const from = h.mark();
    await h.spawn({ A: 3, B: 5 });
    const complete = await h.mock.waitFor('spawning_complete', { from });

    const replies = h.mock.received.slice(from).filter((m) => m.type === 'spawning' || m.type === 'spawning_complete');
    expect(replies.map((m) => m.type)).toEqual(['spawning', 'spawning_complete']);
    expect(replies[0]!.data).toBeNull();
    expect(complete.data).toEqual({ user_classes_count: { A: 3, B: 5 }, user_count: 8, count: 8 });

    expect(h.pool.count).toBe(8);
    expect(h.pool.countsByTask()).toEqual(
      new Map([
        ['light', 2],
        ['heavy', 6],
      ]),
    );
    expect(await usersSeen(h, 8)).toBe(8);

    const report = await h.mock.waitFor('stats', { from: h.mock.received.indexOf(complete) });
    expect(statsOf(report).user_classes_count).toEqual({ A: 3, B: 5 });
    expect(statsOf(report).user_count).toBe(8);
    const beat = await h.mock.waitFor('heartbeat', { from: h.mock.received.indexOf(complete) });
    expect((beat.data as { state: string }).state).toBe('running');
  });

  it('applies a series of absolute targets up and down, zero included', async () => {
    const h = await harnesses.start({ tasks: [new CountingTask('one', 1), new CountingTask('two', 1)] });
    await h.register();
    const targets = [
      { A: 1, B: 0 },
      { A: 3, B: 4 },
      { A: 2, B: 1 },
      { A: 0, B: 0 },
      { A: 6, B: 0 },
      { A: 1, B: 2 },
    ];
    for (const target of targets) {
      const complete = await h.spawnAndWait(target);
      const total = sum(target);
      expect(complete.data).toEqual({ user_classes_count: target, user_count: total, count: total });
      expect(h.pool.count).toBe(total);
      const split = [...h.pool.countsByTask().values()];
      expect(split.reduce((a, n) => a + n, 0)).toBe(total);
      expect(Math.abs(split[0]! - split[1]!)).toBeLessThanOrEqual(1);
    }
    const report = await h.mock.waitFor('stats', { from: h.mark() });
    expect(statsOf(report).user_classes_count).toEqual({ A: 1, B: 2 });
    expect(statsOf(report).user_count).toBe(3);
  });

  it('drops a stale spawn (timestamp <= last): no reply, users unchanged; a newer one still works', async () => {
    const h = await harnesses.start();
    await h.register();
    const from = h.mark();
    const timestamp = await h.spawn({ A: 4 });
    await h.mock.waitFor('spawning_complete', { from });
    expect(h.pool.count).toBe(4);

    const logFrom = h.lines.length;
    const staleFrom = h.mark();
    await h.spawn({ A: 9 }, { timestamp });
    await h.spawn({ A: 1 }, { timestamp: timestamp - 1 });
    await eventually(
      () => (h.lines.slice(logFrom).filter((l) => l.msg.includes('dropped a stale spawn')).length === 2 ? true : undefined),
      5_000,
      'both stale spawns dropped',
      20,
    );
    await h.flush();
    expect(h.mock.ofType('spawning', staleFrom)).toEqual([]);
    expect(h.mock.ofType('spawning_complete', staleFrom)).toEqual([]);
    expect(h.pool.count).toBe(4);

    const complete = await h.spawnAndWait({ A: 2 });
    expect(complete.data).toEqual({ user_classes_count: { A: 2 }, user_count: 2, count: 2 });
    expect(h.pool.count).toBe(2);
  });
});

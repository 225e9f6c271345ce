/**
 * The connection itself: a `reconnect` from the master, a 2.19+ master that stops answering
 * heartbeats, and a 2.12-style master that restarts on the same port.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { CountingTask, Harnesses, requestsIn, sumRequests, type WorkerHarness } from '../support/master-harness.js';
import { MockMaster } from '../support/mock-master.js';
import { eventually } from '../support/processes.js';

const harnesses = new Harnesses();
afterEach(() => harnesses.closeAll());

function connects(h: WorkerHarness): number {
  return h.lines.filter((l) => l.msg === 'connected to the Locust master').length;
}

/** Plays a 2.19+ master: answers the worker's heartbeats until told to stop. */
function answerHeartbeats(h: WorkerHarness): { stop(): void } {
  let answered = h.mock.ofType('heartbeat').length;
  const timer = setInterval(() => {
    const beats = h.mock.ofType('heartbeat').length;
    for (; answered < beats; answered++) void h.mock.send(h.id, 'heartbeat', null);
  }, 20);
  return { stop: () => clearInterval(timer) };
}

describe('reconnect', () => {
  it('opens a new connection under the same identity, does not re-register, keeps running', async () => {
    const h = await harnesses.start();
    await h.register();
    await h.spawnAndWait({ A: 3 });
    await h.statsWithRequests();
    expect(connects(h)).toBe(1);

    const from = h.mark();
    await h.mock.send(h.id, 'reconnect', null);
    await eventually(() => (connects(h) === 2 ? true : undefined), 5_000, 'a second connection', 20);
    const report = await h.statsWithRequests(h.mark());

    const after = h.mock.received.slice(from);
    expect(after.every((m) => m.identity === h.id && m.nodeId === h.id)).toBe(true);
    expect(after.map((m) => m.type).filter((t) => t !== 'heartbeat' && t !== 'stats')).toEqual([]);
    expect(report.identity).toBe(h.id);
    expect(h.pool.count).toBe(3);

    expect((await h.quit()).exitCode).toBe(0);
    expect(sumRequests(h.mock.received)).toBe(h.invocations);
  });
});

describe('lost master', () => {
  it('a 2.19+ master that stops answering heartbeats: users stopped, client_ready again', async () => {
    const timeoutMs = 1_000;
    const h = await harnesses.start({ timings: { masterHeartbeatTimeoutMs: timeoutMs } });
    await h.register();
    const master = answerHeartbeats(h);
    try {
      await h.spawnAndWait({ A: 3 });
      // Answered heartbeats keep the worker going well past the timeout.
      const since = performance.now();
      await h.mock.waitFor((m) => m.type === 'stats' && requestsIn(m) > 0 && m.at - since > timeoutMs * 2);
      expect(h.mock.ofType('client_ready')).toHaveLength(1);
      expect(h.pool.count).toBe(3);
    } finally {
      master.stop();
    }
    const silentFrom = h.mark();
    const silentAt = performance.now();
    const ready = await h.mock.waitFor('client_ready', { from: silentFrom, timeoutMs: 10_000 });
    expect(ready.at - silentAt).toBeGreaterThanOrEqual(timeoutMs * 0.8);
    expect(h.pool.count).toBe(0);
    expect(ready.identity).toBe(h.id);
    await h.logged('no heartbeat from the Locust master');

    // Registered again, it serves a new test as usual.
    await h.mock.send(h.id, 'ack', { index: 0 });
    const complete = await h.spawnAndWait({ A: 2 });
    expect(complete.data).toEqual({ user_classes_count: { A: 2 }, user_count: 2, count: 2 });
    expect(h.pool.count).toBe(2);
  });

  it.each([
    ['2 ms', 2],
    ['400 ms (in flight longer than ZeroMQ takes to reconnect)', 400],
  ])(
    'a 2.12-style master restarted on the same port, iterations of %s: users stopped, registered with the new one, nothing old delivered',
    async (_, durationMs) => {
      const task = new CountingTask('A', 1, 'success', durationMs);
      const h = await harnesses.start({ tasks: [task], timings: { quitGraceMs: 1_000 } });
      await h.register();
      await h.spawnAndWait({ A: 4 });
      await h.statsWithRequests(h.mark(), 10_000);

      const port = h.mock.port;
      await h.mock.close();
      const closedAt = performance.now();
      const restarted = harnesses.track(await MockMaster.start(port));
      h.mock = restarted;
      const ready = await restarted.waitFor('client_ready', { timeoutMs: 10_000 });
      expect(ready.at - closedAt).toBeLessThan(5_000);
      expect(ready.identity).toBe(h.id);
      expect(h.pool.count).toBe(0);
      await h.logged('lost the connection to the Locust master');

      // Registered with the new master, and idle until it spawns: nothing of the old test.
      await restarted.send(h.id, 'ack', { index: 0 });
      await h.flush();
      await h.flush();
      const beforeSpawn = restarted.received.slice();
      expect(beforeSpawn.map((m) => m.type).filter((t) => t !== 'heartbeat' && t !== 'stats' && t !== 'client_ready')).toEqual([]);
      expect(
        beforeSpawn
          .filter((m) => m.type === 'stats')
          .map(requestsIn)
          .filter((n) => n > 0),
      ).toEqual([]);
      expect(
        beforeSpawn
          .filter((m) => m.type === 'heartbeat')
          .map((m) => (m.data as { state: string }).state)
          .at(-1),
      ).toBe('ready');

      const oldTest = task.invocations;
      await h.spawnAndWait({ A: 2 });
      await h.statsWithRequests(h.mark(), 10_000);
      expect((await h.quit()).exitCode).toBe(0);
      expect(sumRequests(restarted.received)).toBe(task.invocations - oldTest);
    },
  );

  it('after losing a master late in a run, waits --connect-timeout again for it to come back', async () => {
    const h = await harnesses.start({ connectTimeoutMs: 1_500, timings: { waitLogMs: 100 } });
    await h.register();
    await h.spawnAndWait({ A: 1 });
    // Run past the connect timeout before the master goes away.
    const since = performance.now();
    await h.mock.waitFor((m) => m.type === 'heartbeat' && m.at - since > 1_700);

    const port = h.mock.port;
    await h.mock.close();
    const lostAt = performance.now();
    await h.logged('lost the connection to the Locust master');
    const restarted = harnesses.track(await MockMaster.start(port));
    h.mock = restarted;
    await h.register();
    // Well past the first timeout and the loss, it is still serving the restarted master.
    await restarted.waitFor((m) => m.type === 'heartbeat' && m.at - lostAt > 2_000);
    expect(h.lines.filter((l) => l.msg.includes('--connect-timeout'))).toEqual([]);
    expect(restarted.ofType('quit')).toEqual([]);
  });

  it('gives up --connect-timeout after the loss when the master does not come back', async () => {
    const h = await harnesses.start({ connectTimeoutMs: 1_500 });
    await h.register();
    await h.spawnAndWait({ A: 1 });
    await h.mock.close();
    const lostAt = performance.now();
    const result = await h.finished(10_000);
    const waited = performance.now() - lostAt;
    expect(result.exitCode).toBe(1);
    expect(result.reason).toContain('--connect-timeout');
    expect(waited).toBeGreaterThanOrEqual(1_400);
    expect(waited).toBeLessThan(5_000);
  });
});

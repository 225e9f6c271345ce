/**
 * Registration and the idle cadence: client_ready until acked, one identity everywhere,
 * heartbeats and stats on time; and giving up when no master is there at all.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { countingWorker } from '../support/counting-worker.js';
import { collectingLogger, CountingTask, Harnesses, statsOf, TEST_TIMINGS } from '../support/master-harness.js';
import type { Received } from '../support/mock-master.js';
import { freePort, withDeadline } from '../support/processes.js';

const harnesses = new Harnesses();
afterEach(() => harnesses.closeAll());

const { heartbeatMs, reportMs, ackRetryMs } = TEST_TIMINGS as { heartbeatMs: number; reportMs: number; ackRetryMs: number };

function gaps(messages: readonly Received[]): number[] {
  return messages.slice(1).map((m, i) => m.at - messages[i]!.at);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}

describe('registration', () => {
  it('opens with client_ready -1 (an int) under one identity that is the node_id of every message', async () => {
    const h = await harnesses.start();
    await h.mock.waitFor((m) => m.type === 'stats' && h.mock.ofType('heartbeat').length >= 3);

    const first = h.mock.received[0]!;
    expect(first.type).toBe('client_ready');
    expect(first.data).toBe(-1);
    // [0x93, fixstr "client_ready", data]: -1 must be the int 0xff, not a float64 (0xcb …).
    expect(first.raw[2 + 'client_ready'.length]).toBe(0xff);

    expect(h.id).toMatch(/^[^_]+_[0-9a-f]{32}$/);
    for (const m of h.mock.received) {
      expect(m.identity).toBe(h.id);
      expect(m.nodeId).toBe(h.id);
    }
  });

  it('resends client_ready every ackRetryMs until acked, then never again', async () => {
    const h = await harnesses.start();
    await h.mock.waitFor(() => h.mock.ofType('client_ready').length >= 3);
    // Ack right after a resend, so no resend can be on its way while the ack travels.
    await h.mock.send(h.id, 'ack', { index: 0 });
    const readies = h.mock.ofType('client_ready');
    expect(readies).toHaveLength(3);
    for (const gap of gaps(readies)) {
      expect(gap).toBeGreaterThanOrEqual(ackRetryMs * 0.8);
      expect(gap).toBeLessThan(ackRetryMs * 4);
    }

    const ackedAt = readies[2]!.at;
    await h.mock.waitFor((m) => m.type === 'heartbeat' && m.at - ackedAt > ackRetryMs * 3);
    expect(h.mock.ofType('client_ready')).toHaveLength(3);
  });

  it('sends heartbeats {state: ready, cpu, memory, count} every heartbeatMs from the start', async () => {
    const h = await harnesses.start();
    await h.register();
    await h.mock.waitFor(() => h.mock.ofType('heartbeat').length >= 12);

    const beats = h.mock.ofType('heartbeat');
    for (const beat of beats) {
      // `count` is for Locust 1.4.4 – 1.6 masters, which read the user count from heartbeats.
      expect(Object.keys(beat.data as object).sort()).toEqual(['count', 'current_cpu_usage', 'current_memory_usage', 'state']);
      const data = beat.data as { state: unknown; current_cpu_usage: unknown; current_memory_usage: unknown; count: unknown };
      expect(data.state).toBe('ready');
      expect(data.count).toBe(0);
      expect(typeof data.current_cpu_usage).toBe('number');
      expect(data.current_memory_usage).toBeGreaterThan(0);
    }
    const average = mean(gaps(beats));
    expect(average).toBeGreaterThan(heartbeatMs * 0.7);
    expect(average).toBeLessThan(heartbeatMs * 3);
  });

  it('sends stats every reportMs, even idle, with every key a 2.x master requires', async () => {
    const h = await harnesses.start();
    await h.register();
    await h.mock.waitFor(() => h.mock.ofType('stats').length >= 5);

    const reports = h.mock.ofType('stats');
    for (const report of reports) {
      const data = statsOf(report);
      expect(Object.keys(data).sort()).toEqual(['errors', 'stats', 'stats_total', 'user_classes_count', 'user_count']);
      expect(data.stats).toEqual([]);
      expect(data.errors).toEqual({});
      expect(data.user_classes_count).toEqual({});
      expect(data.user_count).toBe(0);
      expect(data.stats_total.num_requests).toBe(0);
    }
    const average = mean(gaps(reports));
    expect(average).toBeGreaterThan(reportMs * 0.7);
    expect(average).toBeLessThan(reportMs * 3);
  });
});

describe('no master at start', () => {
  it('gives up after --connect-timeout with exit code 1 and a reason naming the option', async () => {
    const port = await freePort();
    const { log } = collectingLogger();
    // Default waitLogMs (5 s): the timeout must not depend on how often we log that we wait.
    const { runner } = countingWorker({ port, tasks: [new CountingTask('A')], log, timings: { heartbeatMs, reportMs, ackRetryMs }, connectTimeoutMs: 1_500 });

    const startedAt = performance.now();
    const result = await withDeadline(runner.run(), 10_000, () => 'the runner did not give up within 10 s');
    const elapsed = performance.now() - startedAt;

    expect(result.exitCode).toBe(1);
    expect(result.reason).toContain('--connect-timeout');
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(4_000);
  });
});

/**
 * Every Locust master a user may run: a mock per era sends the messages that version's
 * master sends (from its source: runners.py `start`/`stop`/`quit`, stats.py `unserialize`,
 * `StatsError.from_dict`) and checks every reply, in the dialect it was spoken to.
 */
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import type { Transport } from '../../src/locust/sockets.js';
import type { UserPool } from '../../src/runner/user-pool.js';
import type { WorkerRunner, WorkerRunResult } from '../../src/runner/worker-runner.js';
import { countingWorker } from '../support/counting-worker.js';
import { PushPullMaster } from '../support/legacy-master.js';
import { collectingLogger, CountingTask, TEST_TIMINGS } from '../support/master-harness.js';
import { MockMaster, type Received } from '../support/mock-master.js';
import { freePort } from '../support/processes.js';

const ENTRY_KEYS_09 = [
  'name',
  'method',
  'last_request_timestamp',
  'start_time',
  'num_requests',
  'num_failures',
  'total_response_time',
  'max_response_time',
  'min_response_time',
  'total_content_length',
  'response_times',
  'num_reqs_per_sec',
];
const ENTRY_KEYS_014 = [...ENTRY_KEYS_09, 'num_none_requests', 'num_fail_per_sec'];

interface Era {
  name: string;
  transport: Transport;
  /** The master's start message for one worker: `users` at `rate` per second. */
  start(users: number, rate: number): [string, Record<string, unknown>];
  started: string;
  complete: string;
  /** Heartbeat state while ramping; null: this era has no heartbeats. */
  rampState: string | null;
  readyData: unknown;
  entryKeys: string[];
  errorCountKey: 'occurences' | 'occurrences';
  intTimestamps: boolean;
}

const ERAS: Era[] = [
  {
    name: 'Locust 1.2 – 1.6 (spawn with spawn_rate/num_users, as 1.4.4 sends it)',
    transport: 'dealer',
    start: (users, rate) => ['spawn', { spawn_rate: rate, num_users: users, host: '', stop_timeout: null }],
    started: 'spawning',
    complete: 'spawning_complete',
    rampState: 'spawning',
    readyData: -1,
    entryKeys: ENTRY_KEYS_014,
    errorCountKey: 'occurrences',
    intTimestamps: false,
  },
  {
    name: 'Locust 1.0 – 1.1 (hatch with hatch_rate/num_users, as 1.1.1 sends it)',
    transport: 'dealer',
    start: (users, rate) => ['hatch', { hatch_rate: rate, num_users: users, host: '', stop_timeout: null }],
    started: 'hatching',
    complete: 'hatch_complete',
    rampState: 'hatching',
    readyData: -1,
    entryKeys: ENTRY_KEYS_014,
    errorCountKey: 'occurrences',
    intTimestamps: false,
  },
  {
    name: 'Locust 0.12 – 0.14 (hatch with num_clients, as 0.14.6 sends it)',
    transport: 'dealer',
    start: (users, rate) => ['hatch', { hatch_rate: rate, num_clients: users, host: '', stop_timeout: null }],
    started: 'hatching',
    complete: 'hatch_complete',
    rampState: 'hatching',
    readyData: -1,
    entryKeys: ENTRY_KEYS_014,
    errorCountKey: 'occurrences',
    intTimestamps: false,
  },
  {
    name: 'Locust 0.10 – 0.11 (hatch with num_clients; errors spelled occurences, as 0.11.0 reads them)',
    transport: 'dealer',
    start: (users, rate) => ['hatch', { hatch_rate: rate, num_clients: users, host: null, stop_timeout: null }],
    started: 'hatching',
    complete: 'hatch_complete',
    rampState: 'hatching',
    readyData: -1,
    entryKeys: ENTRY_KEYS_09,
    errorCountKey: 'occurences',
    intTimestamps: false,
  },
  {
    name: 'Locust 0.9 (PUSH/PULL on two ports, no identity, no heartbeat, int timestamps)',
    transport: 'push-pull',
    start: (users, rate) => ['hatch', { hatch_rate: rate, num_clients: users, host: null, stop_timeout: null }],
    started: 'hatching',
    complete: 'hatch_complete',
    rampState: null,
    readyData: null,
    entryKeys: ENTRY_KEYS_09,
    errorCountKey: 'occurences',
    intTimestamps: true,
  },
];

/** The mock master of an era, whatever its sockets. */
interface EraMaster {
  received: Received[];
  waitFor(match: string | ((m: Received) => boolean), options?: { from?: number; timeoutMs?: number }): Promise<Received>;
  send(type: string, data: unknown): Promise<void>;
  close(): void | Promise<void>;
}

async function startMaster(era: Era): Promise<{ master: EraMaster; port: number }> {
  if (era.transport === 'push-pull') {
    const master = await PushPullMaster.startOnFreePorts(freePort);
    return { master, port: master.port };
  }
  const mock = await MockMaster.start();
  let identity = '';
  const master: EraMaster = {
    received: mock.received,
    waitFor: (m, o) => mock.waitFor(m, o),
    send: (type, data) => mock.send(identity, type, data),
    close: () => mock.close(),
  };
  // Masters before 2.0 address workers by the identity their client_ready came from.
  void mock.waitFor('client_ready', { timeoutMs: 30_000 }).then(
    (m) => (identity = m.identity),
    () => undefined,
  );
  return { master, port: mock.port };
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function startWorker(era: Era, port: number): { runner: WorkerRunner; pool: UserPool; result: Promise<WorkerRunResult>; log: Logger } {
  const { log } = collectingLogger();
  // One task fails, so that the stats carry errors in the era's spelling.
  const tasks = [new CountingTask('ok'), new CountingTask('bad', 1, 'failure')];
  const { runner, pool } = countingWorker({ port, tasks, log, transport: era.transport, timings: TEST_TIMINGS });
  const result = runner.run();
  cleanup.push(async () => {
    runner.shutdown('test over');
    await result;
  });
  return { runner, pool, result, log };
}

describe.each(ERAS)('$name', (era) => {
  it('registers, ramps itself at the hatch rate, reports in its dialect, stops and quits', async () => {
    const { master, port } = await startMaster(era);
    cleanup.push(() => master.close());
    const { pool, result } = startWorker(era, port);

    const ready = await master.waitFor('client_ready', { timeoutMs: 10_000 });
    expect(ready.data).toBe(era.readyData);

    // 10 users at 5 per second: the worker ramps them itself and completes after 2 s ± 10%.
    const from = master.received.length;
    const [type, data] = era.start(10, 5);
    const sentAt = performance.now();
    await master.send(type, data);
    const started = await master.waitFor(era.started, { from, timeoutMs: 5_000 });
    expect(started.data).toBeNull();
    const complete = await master.waitFor(era.complete, { from, timeoutMs: 10_000 });
    const tookS = (complete.at - sentAt) / 1000;
    expect(tookS).toBeGreaterThan(1.8);
    expect(tookS).toBeLessThan(2.2);
    expect(complete.data).toEqual(expect.objectContaining({ count: 10 }));
    expect(pool.count).toBe(10);

    const beats = master.received.slice(from).filter((m) => m.type === 'heartbeat' && m.at < complete.at);
    if (era.rampState === null) {
      expect(master.received.some((m) => m.type === 'heartbeat')).toBe(false);
    } else {
      expect(beats.some((m) => (m.data as { state: string }).state === era.rampState)).toBe(true);
    }

    // Stats as that era's master unserializes them.
    const report = await master.waitFor(
      (m) => m.type === 'stats' && Object.keys((m.data as { errors: object }).errors).length > 0 && (m.data as { user_count: number }).user_count === 10,
      { from, timeoutMs: 10_000 },
    );
    const stats = report.data as {
      stats: Record<string, unknown>[];
      stats_total: Record<string, unknown>;
      errors: Record<string, Record<string, unknown>>;
      user_count: number;
    };
    for (const entry of [...stats.stats, stats.stats_total]) {
      for (const key of era.entryKeys) expect(entry, key).toHaveProperty(key);
      if (era.intTimestamps) expect(Number.isInteger(entry.last_request_timestamp)).toBe(true);
    }
    for (const error of Object.values(stats.errors)) {
      expect(typeof error[era.errorCountKey]).toBe('number');
      expect(error).toEqual(expect.objectContaining({ method: expect.any(String), name: 'bad', error: expect.any(String) }));
    }

    // stop: users stopped, client_stopped, then ready again.
    const beforeStop = master.received.length;
    await master.send('stop', null);
    const stopped = await master.waitFor('client_stopped', { from: beforeStop, timeoutMs: 10_000 });
    const again = await master.waitFor('client_ready', { from: beforeStop, timeoutMs: 10_000 });
    expect(again.at).toBeGreaterThanOrEqual(stopped.at);
    expect(again.data).toBe(era.readyData);
    expect(pool.count).toBe(0);

    // quit: final stats, quit, exit 0.
    const beforeQuit = master.received.length;
    await master.send('quit', null);
    await master.waitFor('quit', { from: beforeQuit, timeoutMs: 5_000 });
    expect((await result).exitCode).toBe(0);
  }, 40_000);
});

describe('newest 2.x messages', () => {
  it('a datetime-encoded option (2.20+) and the 2.29+ messages are safely ignored; the spawn still applies', async () => {
    const mock = await MockMaster.start();
    cleanup.push(() => mock.close());
    const { pool } = startWorker(ERAS[0]!, mock.port);
    const ready = await mock.waitFor('client_ready');
    await mock.send(ready.identity, 'ack', { index: 0 });
    await mock.send(ready.identity, 'update_user_class', { user_class_name: 'User', tasks: [] });
    await mock.send(ready.identity, 'spawn', {
      timestamp: Date.now() / 1000,
      user_classes_count: { User: 3 },
      host: null,
      stop_timeout: 0,
      parsed_options: { reset_stats: false, started: { __datetime__: true, as_str: '20261121T10:00:00.000000' } },
    });
    const complete = await mock.waitFor('spawning_complete');
    expect(complete.data).toEqual(expect.objectContaining({ user_classes_count: { User: 3 }, user_count: 3 }));
    await mock.send(ready.identity, 'spawning_complete', { user_count: 3 });
    await mock.send(ready.identity, 'heartbeat', null);
    expect(pool.count).toBe(3);
  });
});

describe('--locust-legacy-0.9', () => {
  it('makes the CLI speak 0.9: client_ready with no data on the PUSH port, hatch answered on it', async () => {
    const { CLI, startProcess, killStarted } = await import('../support/processes.js');
    const master = await PushPullMaster.startOnFreePorts(freePort);
    const { port } = master;
    cleanup.push(
      () => master.close(),
      () => killStarted(),
    );
    startProcess(process.execPath, [CLI, '--tc', 'blockNumber', '--endpoint', 'http://127.0.0.1:9', '--master-port', String(port), '--locust-legacy-0.9']);
    const ready = await master.waitFor('client_ready', { timeoutMs: 20_000 });
    expect(ready.data).toBeNull();
    const from = master.received.length;
    await master.send('hatch', { hatch_rate: 10, num_clients: 2, host: null, stop_timeout: null });
    await master.waitFor('hatching', { from, timeoutMs: 5_000 });
    const complete = await master.waitFor('hatch_complete', { from, timeoutMs: 5_000 });
    expect(complete.data).toEqual({ count: 2 });
  }, 40_000);
});

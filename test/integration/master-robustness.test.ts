/**
 * Whatever a master (or anything else on its port) sends, the worker neither crashes nor
 * stalls: bad messages are dropped one by one and the next valid one still works.
 */
import { randomBytes } from 'node:crypto';

import { encode } from '@msgpack/msgpack';
import { afterEach, describe, expect, it } from 'vitest';

import { Harnesses, WARN, type WorkerHarness, type WorkerOptions } from '../support/master-harness.js';
import { prng } from '../support/prng.js';

const harnesses = new Harnesses();
afterEach(() => harnesses.closeAll());

/** A worker registered with the mock master and running 2 users: where every test here starts. */
async function twoUsersRunning(options?: WorkerOptions): Promise<WorkerHarness> {
  const h = await harnesses.start(options);
  await h.register();
  await h.spawnAndWait({ A: 2 });
  return h;
}

/** The types of the messages the worker sent from index `from` on, its heartbeats and stats left out. */
function sentBesidesReports(h: WorkerHarness, from: number): string[] {
  return h.mock.received
    .slice(from)
    .map((m) => m.type)
    .filter((t) => t !== 'heartbeat' && t !== 'stats');
}

/** The worker still answers a valid spawn, keeps its cadence, and has not quit. */
async function expectHealthy(h: WorkerHarness, users: number): Promise<void> {
  const complete = await h.spawnAndWait({ A: users });
  expect(complete.data).toEqual({ user_classes_count: { A: users }, user_count: users, count: users });
  expect(h.pool.count).toBe(users);
  await h.statsWithRequests(h.mock.received.indexOf(complete) + 1);
  expect(h.mock.ofType('quit')).toEqual([]);
  expect(h.mock.ofType('client_stopped')).toEqual([]);
}

function warnings(h: WorkerHarness, from: number): string[] {
  return h.lines
    .slice(from)
    .filter((l) => l.level >= WARN)
    .map((l) => `${l.msg} ${JSON.stringify(l)}`);
}

describe('robustness', () => {
  it('drops malformed envelopes and frames one by one, each with a warning', async () => {
    const h = await twoUsersRunning();
    const cases: Array<[string, Uint8Array[]]> = [
      ['random bytes', [randomBytes(64)]],
      ['an empty frame', [new Uint8Array(0)]],
      ['truncated msgpack', [encode(['spawn', { timestamp: 1 }, h.id]).subarray(0, 8)]],
      ['a 2-element envelope', [encode(['stop', null])]],
      ['a 4-element envelope', [encode(['stop', null, h.id, 'extra'])]],
      ['a map envelope', [encode({ type: 'stop', data: null, node_id: h.id })]],
      ['a non-string type', [encode([7, null, h.id])]],
      ['a non-string node_id', [encode(['stop', null, 12])]],
      ['a binary type', [encode([new TextEncoder().encode('stop'), null, h.id])]],
      ['a forged huge array header', [Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff])]],
      ['two frames', [encode(['stop', null, h.id]), encode(['stop', null, h.id])]],
      ['a REQ-style empty delimiter', [new Uint8Array(0), encode(['stop', null, h.id])]],
    ];
    for (const [what, frames] of cases) {
      const logFrom = h.lines.length;
      await h.mock.sendRaw(h.id, ...frames);
      const line = await h.logged('master link: dropped', logFrom, 5_000).catch(() => null);
      expect(line, `no warning for ${what}`).not.toBeNull();
      expect(line!.level, what).toBe(WARN);
    }
    // None of the "stop"s above got through: users still running, no client_stopped.
    expect(h.pool.count).toBe(2);
    await expectHealthy(h, 3);
  });

  it('rejects bad spawn payloads without touching the users', async () => {
    const h = await twoUsersRunning();
    const now = Date.now() / 1000 + 100;
    const bad: Array<[string, unknown]> = [
      ['string counts', { timestamp: now, user_classes_count: { A: '5' } }],
      ['a negative count', { timestamp: now + 1, user_classes_count: { A: -1 } }],
      ['a fractional count', { timestamp: now + 2, user_classes_count: { A: 1.5 } }],
      ['a huge count', { timestamp: now + 3, user_classes_count: { A: 2 ** 60 } }],
      ['a missing map and no num_users', { timestamp: now + 4 }],
      ['a list for the map', { timestamp: now + 5, user_classes_count: [1, 2] }],
      ['a null map', { timestamp: now + 6, user_classes_count: null }],
      ['no timestamp', { user_classes_count: { A: 9 } }],
      ['a string timestamp', { timestamp: 'now', user_classes_count: { A: 9 } }],
      ['a nil payload', null],
      ['a string payload', 'spawn'],
    ];
    const from = h.mark();
    for (const [what, data] of bad) {
      const logFrom = h.lines.length;
      await h.mock.send(h.id, 'spawn', data);
      const line = await h.logged('dropped an invalid message', logFrom, 5_000).catch(() => null);
      expect(line, `no warning for a spawn with ${what}`).not.toBeNull();
    }
    await h.flush();
    expect(h.mock.ofType('spawning', from)).toEqual([]);
    expect(h.pool.count).toBe(2);
    // A rejected spawn does not move the stale-spawn clock: an older-than-rejected one works.
    await expectHealthy(h, 4);
  });

  it('ignores unknown types, messages for another node, and master-side heartbeat/spawning_complete/update_user_class', async () => {
    const h = await twoUsersRunning({ timings: { masterHeartbeatTimeoutMs: 60_000 } });
    const from = h.mark();
    const logFrom = h.lines.length;
    await h.mock.send(h.id, 'no_such_type', { x: 1 });
    await h.mock.send(h.id, 'greetings', null);
    await h.mock.send(h.id, 'stop', null, 'someone-else_0123456789abcdef0123456789abcdef');
    await h.mock.send(h.id, 'quit', null, 'someone-else_0123456789abcdef0123456789abcdef');
    await h.mock.send(h.id, 'heartbeat', null);
    await h.mock.send(h.id, 'spawning_complete', { user_count: 2 });
    await h.mock.send(h.id, 'update_user_class', { user_class_name: 'A', tasks: ['x'] });
    await h.mock.send(h.id, 'locustfile', { locustfiles: [] });
    await h.mock.send(h.id, 'ack', { index: 3 });
    await h.flush();

    expect(warnings(h, logFrom)).toEqual([]);
    expect(sentBesidesReports(h, from)).toEqual([]);
    expect(h.pool.count).toBe(2);
    await expectHealthy(h, 5);
  });

  it('survives 2,000 random frames interleaved with valid messages, then a valid spawn works', async () => {
    const h = await twoUsersRunning({ timings: { masterHeartbeatTimeoutMs: 60_000 } });
    const from = h.mark();
    const logFrom = h.lines.length;
    for (let i = 0; i < 2_000; i++) {
      const size = 1 + (randomBytes(1)[0]! % 48);
      const frames = i % 97 === 0 ? [randomBytes(size), randomBytes(size)] : [randomBytes(size)];
      await h.mock.sendRaw(h.id, ...frames);
      if (i % 100 === 0) await h.mock.send(h.id, 'heartbeat', null);
      if (i % 250 === 0) await h.mock.send(h.id, 'ack', { index: 0 });
    }
    await h.flush();
    expect(sentBesidesReports(h, from)).toEqual([]);
    expect(h.pool.count).toBe(2);
    await expectHealthy(h, 6);
    // Each random message was looked at and dropped on its own (none decodes to a command).
    expect(h.lines.slice(logFrom).filter((l) => l.msg.startsWith('master link: ')).length).toBe(2_000);
  });
});

describe('a hostile master', () => {
  it('10,000 random and malformed messages interleaved with valid ones: no crash, no stuck state, the next spawn works', async () => {
    const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const h = await twoUsersRunning({ timings: { masterHeartbeatTimeoutMs: 600_000 } });
    const id = h.id;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
    const junkValue = (): unknown => [null, true, -1, 2 ** 40, 1.5, 'x', 'spawn', [], {}, { user_classes_count: 'A' }, bytes(8), [1, [2, [3]]]][int(12)];
    const hostile: (() => Uint8Array[])[] = [
      () => [bytes(1 + int(64))], // random bytes
      () => [bytes(8), bytes(8)], // several frames
      () => [encode([junkValue(), junkValue(), id])], // wrong types in the envelope
      () => [encode([`t${int(1000)}`, junkValue(), id])], // unknown types
      () => [encode(['spawn', junkValue(), id])], // spawn with a junk payload
      () => [encode(['spawn', { timestamp: Date.now() / 1000 + 1e6, user_classes_count: { A: -1 - int(5) } }, id])],
      () => [encode(['spawn', { timestamp: Date.now() / 1000 + 1e6, user_classes_count: { A: 10_000_000 } }, id])], // more users than a worker runs
      () => [encode(['hatch', { hatch_rate: [0, -1, 'fast'][int(3)], num_users: 5 }, id])],
      () => [encode(['stop', null])], // 2-element envelope
      () => [encode({ type: 'stop', data: null, node_id: id })], // map envelope
      () => [encode(['quit', null, 'someone_else'])], // for another node
      () => [Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff)], // claims a 4-billion-element array
      () => [encode([`big${int(10)}`, 'x'.repeat(1_000_000), id])], // a large (1 MB) but valid message
    ];
    for (let i = 0; i < 10_000; i++) {
      const make = hostile[i % 500 === 499 ? 12 : int(hostile.length - 1)]!;
      await h.mock.sendRaw(id, ...make());
      if (i % 1000 === 999) {
        // A valid spawn in the middle of the storm is applied.
        await h.spawn({ A: 3 });
      }
    }
    await h.flush();
    expect(h.pool.count, `seed ${seed}`).toBe(3);
    expect(h.mock.ofType('quit'), `seed ${seed}`).toEqual([]);
    await expectHealthy(h, 4);
  }, 120_000);

  it('a frame over the size limit drops the connection; the worker registers again and the next spawn works', async () => {
    const h = await twoUsersRunning();
    const from = h.mark();
    await h.mock.sendRaw(h.id, new Uint8Array(17 * 1024 * 1024));
    // The worker stops its users and registers again on a new connection.
    await h.mock.waitFor('client_ready', { from, timeoutMs: 15_000 });
    expect(h.pool.count).toBe(0);
    await h.mock.send(h.id, 'ack', { index: 0 });
    await expectHealthy(h, 3);
  }, 60_000);
});

/**
 * Benchmark 3, users: 100,000 idle users hatched at 10,000/s, in one klayworker process.
 *
 * A fake master (bench/lib/fake-master.mjs) plays a 2.x master's ramp: a spawn every second,
 * each 10,000 users more than the last, and records when each heartbeat arrives. The worker
 * runs blockNumber with `--max-rps 1`, so its users wait in the limiter's queue: idle users.
 *
 * - RSS (VmRSS) once all users run, against 250 MB; the growth per user is shown for context
 *   (about 10 KB per user in the Python worker).
 * - Every interval between consecutive heartbeats, from just before the first spawn to the
 *   end of the hold, must be 1 s ± 100 ms: hatching must not hold up the master link.
 */
import { join } from 'node:path';

import { FakeMaster } from './lib/fake-master.mjs';
import { startNginx } from './lib/nginx.mjs';
import { rssBytes } from './lib/proc-stats.mjs';
import { BenchError, CLI, CORES, sleep } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';

const BENCH = 'users';
const USERS = 100_000;
const RATE = 10_000;
const RSS_LIMIT = 250 * 2 ** 20;
const HEARTBEAT_MS = 1_000;
const HEARTBEAT_SLACK_MS = 100;
const USER_CLASS = 'KlayworkerUser';

export const users = {
  name: 'users',
  title: 'Users',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    const holdMs = ctx.quick ? 2_000 : 5_000;
    const nginx = await startNginx(ctx.group, { core: CORES.target, dir: join(ctx.tmpDir, 'nginx-users') });
    const master = await FakeMaster.start();
    try {
      const worker = ctx.group.start(CORES.load, process.execPath, [
        CLI,
        '--tc',
        'blockNumber',
        '--endpoint',
        nginx.url,
        '--master-port',
        String(master.port),
        '--max-rps',
        '1',
        '--log-level',
        'warn',
      ]);
      const ready = await master.waitFor((m) => m.type === 'client_ready', 20_000, 'client_ready');
      const id = ready.identity;
      await master.waitFor((m) => m.type === 'heartbeat', 5_000, 'first heartbeat');
      await sleep(1_500);
      const rssIdle = rssBytes(worker.pid);

      ctx.log(`${BENCH}: hatching ${fmt(USERS)} users at ${fmt(RATE)}/s`);
      const firstSpawnAt = await spawnSeries(master, id, nginx.url);
      const complete = await master.waitFor(
        (m) => m.type === 'spawning_complete' && m.data?.user_count === USERS,
        60_000,
        `spawning_complete for ${USERS} users`,
      );
      const hatchS = (complete.at - firstSpawnAt) / 1000;
      await sleep(holdMs);
      const rss = rssBytes(worker.pid);
      const holdEnd = performance.now();

      const stopSentAt = performance.now();
      const from = master.received.length;
      await master.send(id, 'stop', null);
      const stopped = await master.waitFor((m) => m.type === 'client_stopped', 60_000, 'client_stopped', from);
      await master.send(id, 'quit', null);
      const code = await worker.exited(30_000);
      if (code !== 0) throw new BenchError(`klayworker exited with ${code} after quit: ${worker.tail()}`);

      const beats = heartbeatIntervals(
        master.ofType('heartbeat').map((m) => m.at),
        firstSpawnAt,
        holdEnd,
      );
      const worst = Math.max(...beats.map((ms) => Math.abs(ms - HEARTBEAT_MS)));
      return [
        row({
          bench: BENCH,
          measure: `RSS with ${fmt(USERS)} idle users`,
          result: `${fmt(rss / 2 ** 20, 1)} MB (${fmt(rssIdle / 2 ** 20, 1)} MB before spawning: ${fmt((rss - rssIdle) / USERS / 1024, 2)} KB per user)`,
          target: `< ${fmt(RSS_LIMIT / 2 ** 20)} MB`,
          met: rss < RSS_LIMIT,
        }),
        row({
          bench: BENCH,
          measure: 'heartbeat intervals while hatching and holding',
          result: `${fmt(Math.min(...beats))} to ${fmt(Math.max(...beats))} ms over ${beats.length} intervals (worst ${fmt(worst)} ms off)`,
          target: `${fmt(HEARTBEAT_MS)} ± ${HEARTBEAT_SLACK_MS} ms`,
          met: beats.length > 0 && worst <= HEARTBEAT_SLACK_MS,
        }),
        row({
          bench: BENCH,
          measure: `hatch ${fmt(USERS)} users (${USERS / RATE} spawns, ${fmt(RATE)} more each second)`,
          result: `all running ${fmt(hatchS, 2)} s after the first spawn`,
        }),
        row({ bench: BENCH, measure: `stop ${fmt(USERS)} users`, result: `client_stopped after ${fmt((stopped.at - stopSentAt) / 1000, 2)} s` }),
      ];
    } finally {
      master.close();
    }
  },
};

/**
 * Sends spawns like a 2.x master ramping at RATE: absolute targets, one per second, each with
 * a later timestamp (the worker drops stale ones). Returns when the first was sent.
 */
async function spawnSeries(master, id, host) {
  const steps = Math.ceil(USERS / RATE);
  const start = performance.now();
  for (let step = 1; step <= steps; step++) {
    const due = start + (step - 1) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    await master.send(id, 'spawn', {
      timestamp: Date.now() / 1000,
      user_classes_count: { [USER_CLASS]: Math.min(USERS, step * RATE) },
      host,
      stop_timeout: null,
      parsed_options: {},
    });
  }
  return start;
}

/** Intervals between the heartbeats that arrived from the last one before `from` up to `to`. */
export function heartbeatIntervals(arrivals, from, to) {
  const firstIndex = Math.max(0, arrivals.findIndex((t) => t >= from) - 1);
  const window = arrivals.slice(firstIndex).filter((t) => t <= to);
  return window.slice(1).map((t, i) => t - window[i]);
}

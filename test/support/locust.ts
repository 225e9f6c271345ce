/**
 * A real Locust master (Debian's 2.12.1) for integration tests: where it is, how to start one
 * with its web endpoints, and how to read its numbers once they have settled.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../../src/util/ports.js';
import { eventually, LOCUST, type Proc, REPO_ROOT, startProcess } from './processes.js';

export const HAVE_LOCUST = existsSync(LOCUST);
export const LOCUST_MISSING = `no Locust master at ${LOCUST} (apt-get install -y python3-locust)`;
export const DUMMY = join(REPO_ROOT, 'dummy.py');
/** Lines that mean the 2.12.1 master's receive loop or an event handler died. */
export const MASTER_CRASH = /Unhandled exception|Uncaught exception|Traceback/;

/** The parts of `/stats/requests` the tests read. */
export interface MasterStats {
  state: string;
  user_count: number;
  stats: { name: string; num_requests: number }[];
  workers: { id: string; state: string; user_count: number }[];
}

export interface WebMaster {
  proc: Proc;
  web: string;
  stats(): Promise<MasterStats>;
  /** The Aggregated row's request count. */
  aggregated(): Promise<number>;
  /** POST /swarm with `users` at `users` per second; resolves once the master accepted it. */
  swarm(users: number): Promise<void>;
  stop(): Promise<void>;
  /** True (else undefined, for `eventually`) when the only worker is in `state` (with `users`). */
  workerIs(state: string, users?: number): Promise<true | undefined>;
  /** The Aggregated count once two reads 2.5 s apart agree (/stats/requests is cached for 2 s). */
  settledCount(timeoutMs?: number): Promise<number>;
}

/**
 * A master on 127.0.0.1:`port` that runs a test by itself: once `workers` are ready it runs
 * `users` (spawned at `rate`) for `seconds`, then stops the test, quits a second later and
 * writes `csv`_*.csv. `--autostart … --autoquit 1`, not `--headless`: a 2.12.1 headless master
 * quits at the run time and reads the workers' final reports for only 0.5 s, which a busy
 * machine misses (the master then counts less than the workers sent); a stop waits for every
 * worker's last report before `client_stopped`. Its web UI listens on a free loopback port.
 */
export async function startRunTimeMaster(run: {
  port: number;
  workers: number;
  users: number;
  rate: number;
  seconds: number;
  csv: string;
  waitS?: number;
}): Promise<Proc> {
  const { port, workers, users, rate, seconds, csv, waitS = 60 } = run;
  return startProcess(LOCUST, [
    '-f',
    DUMMY,
    '--master',
    '--autostart',
    '--autoquit',
    '1',
    '--web-host',
    '127.0.0.1',
    '--web-port',
    String(await freePort()),
    '--master-bind-host',
    '127.0.0.1',
    '--master-bind-port',
    String(port),
    '--expect-workers',
    String(workers),
    '--expect-workers-max-wait',
    String(waitS),
    '-u',
    String(users),
    '-r',
    String(rate),
    '-t',
    `${seconds}s`,
    '--csv',
    csv,
  ]);
}

/** A master with its web endpoints on 127.0.0.1:`webPort`, listening for workers on `bindHost`:`port`. */
export function startWebMaster(port: number, webPort: number, bindHost = '127.0.0.1'): WebMaster {
  const proc = startProcess(LOCUST, [
    '-f',
    DUMMY,
    '--master',
    '--master-bind-host',
    bindHost,
    '--master-bind-port',
    String(port),
    '--web-host',
    '127.0.0.1',
    '--web-port',
    String(webPort),
  ]);
  const web = `http://127.0.0.1:${webPort}`;
  const stats = async () => (await (await fetch(`${web}/stats/requests`)).json()) as MasterStats;
  const aggregated = async () => (await stats()).stats.find((r) => r.name === 'Aggregated')?.num_requests ?? 0;
  return {
    proc,
    web,
    stats,
    aggregated,
    async swarm(users) {
      const res = await fetch(`${web}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: String(users), spawn_rate: String(users) }) });
      const body = (await res.json()) as { success: boolean; message?: string };
      if (!body.success) throw new Error(`/swarm refused: ${body.message ?? res.status}`);
    },
    async stop() {
      await fetch(`${web}/stop`);
    },
    async workerIs(state, users) {
      const s = await stats();
      const w = s.workers[0];
      return s.workers.length === 1 && w!.state === state && (users === undefined || w!.user_count === users) ? true : undefined;
    },
    settledCount(timeoutMs = 30_000) {
      let previous = -1;
      return eventually(
        async () => {
          const n = await aggregated();
          const stable = n === previous ? n : undefined;
          previous = n;
          return stable;
        },
        timeoutMs,
        'the master numbers to settle',
        2_500,
      );
    },
  };
}

/**
 * Debian's Locust 2.12.1 (`apt-get install -y python3-locust`): a real headless master for the
 * workers under test, and a stock Python worker to compare against.
 */
import { existsSync, readFileSync } from 'node:fs';

import { BenchError, LOCUST } from './processes.mjs';

export const LOCUST_HINT = 'apt-get install -y python3-locust';
/** Keeps Python from writing bench/__pycache__ into the working tree. */
const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: '1' };

export function requireLocust() {
  if (!existsSync(LOCUST)) throw new BenchError(`Locust is not installed, ${LOCUST} is missing (${LOCUST_HINT})`);
}

/**
 * A headless master that waits for one worker, ramps `users` at `spawnRate`, and writes
 * PREFIX_stats.csv when it ends (after `runTime`, or on SIGTERM, which also quits the worker).
 * @param {import('./processes.mjs').ProcessGroup} group
 * @param {{ core: number, locustfile: string, port: number, users: number, spawnRate: number, runTime: string, csvPrefix: string, env?: NodeJS.ProcessEnv }} o
 */
export function startLocustMaster(group, o) {
  requireLocust();
  return group.start(
    o.core,
    LOCUST,
    [
      '-f',
      o.locustfile,
      '--master',
      '--headless',
      '--master-bind-host',
      '127.0.0.1',
      '--master-bind-port',
      String(o.port),
      '--expect-workers',
      '1',
      '-u',
      String(o.users),
      '-r',
      String(o.spawnRate),
      '-t',
      o.runTime,
      '--csv',
      o.csvPrefix,
    ],
    { env: { ...PYTHON_ENV, ...o.env } },
  );
}

/**
 * A stock Locust worker running `locustfile`.
 * @param {import('./processes.mjs').ProcessGroup} group
 * @param {{ core: number, locustfile: string, port: number, env?: NodeJS.ProcessEnv }} o
 */
export function startLocustWorker(group, o) {
  requireLocust();
  return group.start(o.core, LOCUST, ['-f', o.locustfile, '--worker', '--master-host', '127.0.0.1', '--master-port', String(o.port)], {
    env: { ...PYTHON_ENV, ...o.env },
  });
}

/** The master's printed line once every user of the test is running. */
export const ALL_USERS_SPAWNED = /All users spawned/;

/** Requests and failures of the Aggregated row of a master's PREFIX_stats.csv. */
export function readLocustTotals(csvPrefix) {
  const file = `${csvPrefix}_stats.csv`;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]?.split(',') ?? [];
  const aggregated = lines.find((l) => l.split(',')[1] === 'Aggregated')?.split(',');
  const requestsAt = header.indexOf('Request Count');
  const failuresAt = header.indexOf('Failure Count');
  if (!aggregated || requestsAt < 0 || failuresAt < 0) throw new BenchError(`no Aggregated row in ${file}`);
  return { requests: Number(aggregated[requestsAt]), failures: Number(aggregated[failuresAt]) };
}

/**
 * klayworker against a real Locust master (Debian's 2.12.1) and a real anvil node: what the
 * master aggregates must equal what the workers say they sent.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevChain, type DevChain } from '../src/dev-chain.js';
import { parseCsv } from './support/csv.js';
import { CLI, eventually, freePort, killStarted, LOCUST, REPO_ROOT, startProcess, type Proc } from './support/processes.js';
import { requireOrSkip } from './support/require-tool.js';

const haveLocust = existsSync(LOCUST);
const LOCUST_MISSING = `no Locust master at ${LOCUST} (apt-get install -y python3-locust)`;
const DUMMY = join(REPO_ROOT, 'dummy.py');
/** Lines that mean the 2.12.1 master's receive loop or an event handler died. */
const MASTER_CRASH = /Unhandled exception|Uncaught exception|Traceback/;

interface WorkerSummary {
  duration_s: number;
  users: number;
  total: { requests: number; failures: number };
  tasks: { type: string; name: string; requests: number; failures: number }[];
}

let chain: DevChain | null = null;

beforeAll(async () => {
  if (haveLocust) chain = await startDevChain({ blockTime: 1 });
});
afterAll(async () => {
  await chain?.stop();
});
afterEach(() => killStarted());

function startWorker(masterPort: number, jsonFile: string, extra: string[] = []): Proc {
  return startProcess(process.execPath, [CLI, '--tc', 'blockNumber', '--endpoint', chain!.url, '--master-port', String(masterPort), '--json', jsonFile, '--log-format', 'json', ...extra]);
}

function readSummary(file: string): WorkerSummary {
  return JSON.parse(readFileSync(file, 'utf8')) as WorkerSummary;
}

describe('with a real Locust 2.12.1 master', () => {
  it('headless: two workers, 10 users each, and the master counts exactly what they sent', async (ctx) => {
    requireOrSkip(ctx, haveLocust, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-locust-'));
    const port = await freePort();
    const master = startProcess(LOCUST, [
      '-f', DUMMY, '--master', '--headless', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', '2', '--expect-workers-max-wait', '60', '-u', '20', '-r', '10', '-t', '15s', '--csv', join(dir, 'run'),
    ]);
    const w1 = startWorker(port, join(dir, 'w1.json'));
    const w2 = startWorker(port, join(dir, 'w2.json'));

    expect(await master.exited(90_000)).toBe(0);
    expect(await w1.exited(15_000)).toBe(0);
    expect(await w2.exited(15_000)).toBe(0);

    const log = master.output();
    expect(log).toMatch(/All users spawned/);
    expect(log).not.toMatch(MASTER_CRASH);

    const s1 = readSummary(join(dir, 'w1.json'));
    const s2 = readSummary(join(dir, 'w2.json'));
    expect([s1.users, s2.users]).toEqual([10, 10]);
    expect(s1.total.failures + s2.total.failures).toBe(0);
    expect(s1.total.requests).toBeGreaterThan(0);
    expect(s2.total.requests).toBeGreaterThan(0);

    const rows = parseCsv(readFileSync(join(dir, 'run_stats.csv'), 'utf8'));
    const aggregated = rows.find((r) => r.Name === 'Aggregated');
    const blockNumber = rows.find((r) => r.Name === 'blockNumber');
    expect(blockNumber?.Type).toBe('eth_blockNumber');
    expect(Number(aggregated?.['Request Count'])).toBe(s1.total.requests + s2.total.requests);
    expect(Number(aggregated?.['Failure Count'])).toBe(0);
  }, 120_000);

  it('web UI endpoints: start, stop and start again; the second run counts only its own requests', async (ctx) => {
    requireOrSkip(ctx, haveLocust, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-locust-web-'));
    const [port, webPort] = [await freePort(), await freePort()];
    const master = startProcess(LOCUST, ['-f', DUMMY, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--web-host', '127.0.0.1', '--web-port', String(webPort)]);
    const web = `http://127.0.0.1:${webPort}`;
    const worker = startWorker(port, join(dir, 'w.json'), ['--max-rps', '200']);

    const stats = async () => (await (await fetch(`${web}/stats/requests`)).json()) as {
      state: string;
      user_count: number;
      stats: { name: string; num_requests: number }[];
      workers: { id: string; state: string; user_count: number }[];
    };
    const workerState = async (state: string) => {
      const s = await stats();
      return s.workers.length === 1 && s.workers[0]!.state === state ? s : undefined;
    };
    const swarm = async (users: number) => {
      const res = await fetch(`${web}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: String(users), spawn_rate: String(users) }) });
      expect(((await res.json()) as { success: boolean }).success).toBe(true);
    };

    await eventually(() => workerState('ready'), 30_000, 'the worker to register as ready');
    await swarm(4);
    await eventually(async () => ((await stats()).stats.find((r) => r.name === 'Aggregated')?.num_requests ?? 0) > 0 ? true : undefined, 20_000, 'requests in the first run');
    await fetch(`${web}/stop`);
    await eventually(() => workerState('ready'), 20_000, 'the worker to be ready again after /stop');

    await swarm(6);
    const running = await eventually(() => workerState('running'), 20_000, 'the second run');
    expect(running.workers[0]!.user_count).toBe(6);
    await eventually(async () => ((await stats()).stats.find((r) => r.name === 'Aggregated')?.num_requests ?? 0) > 0 ? true : undefined, 20_000, 'requests in the second run');
    await fetch(`${web}/stop`);
    await eventually(() => workerState('ready'), 20_000, 'the worker to be ready after the second /stop');
    // /stats/requests is cached for 2 s: wait until two reads 2.5 s apart agree.
    let previous = -1;
    const masterCount = await eventually(async () => {
      const n = (await stats()).stats.find((r) => r.name === 'Aggregated')?.num_requests ?? 0;
      const stable = n === previous ? n : undefined;
      previous = n;
      return stable;
    }, 20_000, 'the master numbers to settle', 2_500);

    master.kill('SIGTERM');
    expect(await worker.exited(15_000)).toBe(0);
    await master.exited(15_000);
    expect(master.output()).not.toMatch(MASTER_CRASH);
    const summary = readSummary(join(dir, 'w.json'));
    expect(summary.users).toBe(6);
    expect(summary.total.requests).toBe(masterCount);
  }, 120_000);
});

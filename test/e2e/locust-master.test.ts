/**
 * klayworker against a real Locust master (Debian's 2.12.1) and a real anvil node: what the
 * master aggregates must equal what the workers say they sent.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, onTestFinished } from 'vitest';

import { masterWorkerArgv } from '../support/cli-argv.js';
import { parseCsv } from '../support/csv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startRunTimeMaster, startWebMaster } from '../support/locust.js';
import { CLI, eventually, freePort, type Proc, REPO_ROOT, startProcess } from '../support/processes.js';
import { readmeExample } from '../support/readme-example.js';
import { requireOrSkip } from '../support/require-tool.js';

interface WorkerSummary {
  duration_s: number;
  users: number;
  total: { requests: number; failures: number };
  tasks: { type: string; name: string; requests: number; failures: number }[];
}

const dev = useBareDevChain(HAVE_LOCUST);

function startWorker(masterPort: number, jsonFile: string, extra: string[] = []): Proc {
  return startProcess(
    process.execPath,
    masterWorkerArgv({ tc: 'blockNumber', endpoint: dev.chain.url, masterPort }, '--json', jsonFile, '--log-format', 'json', ...extra),
  );
}

function readSummary(file: string): WorkerSummary {
  return JSON.parse(readFileSync(file, 'utf8')) as WorkerSummary;
}

describe('with a real Locust 2.12.1 master', () => {
  it('a run-time master (--autostart -t, then --autoquit): two workers, 10 users each, and the master counts exactly what they sent', async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-locust-'));
    const port = await freePort();
    const master = await startRunTimeMaster({ port, workers: 2, users: 20, rate: 10, seconds: 15, csv: join(dir, 'run') });
    // 1,000 requests a second each: the master's count is of reports (one per worker every 3 s,
    // whatever the rate), and uncapped the two workers and anvil took both cores for 15 s, a
    // tenth of the suite's CPU. The uncapped master run is chain-truth-master's.
    const w1 = startWorker(port, join(dir, 'w1.json'), ['--max-rps', '1000']);
    const w2 = startWorker(port, join(dir, 'w2.json'), ['--max-rps', '1000']);

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
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-locust-web-'));
    const [port, webPort] = [await freePort(), await freePort()];
    const master = startWebMaster(port, webPort);
    const worker = startWorker(port, join(dir, 'w.json'), ['--max-rps', '200']);
    const hasRequests = async () => ((await master.aggregated()) > 0 ? true : undefined);

    await eventually(() => master.workerIs('ready'), 30_000, 'the worker to register as ready');
    await master.swarm(4);
    await eventually(hasRequests, 20_000, 'requests in the first run');
    await master.stop();
    await eventually(() => master.workerIs('ready'), 20_000, 'the worker to be ready again after /stop');

    await master.swarm(6);
    await eventually(() => master.workerIs('running', 6), 20_000, 'the second run with 6 users');
    await eventually(hasRequests, 20_000, 'requests in the second run');
    await master.stop();
    await eventually(() => master.workerIs('ready'), 20_000, 'the worker to be ready after the second /stop');
    const masterCount = await master.settledCount();

    master.proc.kill('SIGTERM');
    expect(await worker.exited(15_000)).toBe(0);
    await master.proc.exited(15_000);
    expect(master.proc.output()).not.toMatch(MASTER_CRASH);
    const summary = readSummary(join(dir, 'w.json'));
    expect(summary.users).toBe(6);
    expect(summary.total.requests).toBe(masterCount);
  }, 120_000);

  it("configured by the environment alone, running the README's TypeScript test case: the master counts what it sent", async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-locust-env-'));
    // Inside the package, so that `import ... from 'klayworker'` resolves to this package itself.
    mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
    const moduleDir = mkdtempSync(join(REPO_ROOT, '.tmp', 'e2e-tc-module-'));
    onTestFinished(() => rmSync(moduleDir, { recursive: true, force: true }));
    const module = join(moduleDir, 'my-tasks.ts');
    writeFileSync(module, readmeExample());
    const port = await freePort();
    const master = await startRunTimeMaster({ port, workers: 1, users: 4, rate: 4, seconds: 10, csv: join(dir, 'run') });
    // No flag at all: Locust's worker variables and KLAYWORKER_*, as a container would set them.
    const worker = startProcess(process.execPath, [CLI], {
      env: {
        LOCUST_MASTER_NODE_HOST: '127.0.0.1',
        LOCUST_MASTER_NODE_PORT: String(port),
        LOCUST_MODE_WORKER: 'true',
        KLAYWORKER_TC: 'chainIdCheck,blockNumber',
        KLAYWORKER_TC_MODULE: module,
        KLAYWORKER_ENDPOINT: dev.chain.url,
        KLAYWORKER_MAX_RPS: '100',
        KLAYWORKER_JSON: join(dir, 'w.json'),
        KLAYWORKER_LOG_FORMAT: 'json',
      },
    });

    expect(await master.exited(120_000), master.output().slice(-1500)).toBe(0);
    expect(await worker.exited(15_000), worker.output().slice(-1500)).toBe(0);
    expect(master.output()).not.toMatch(MASTER_CRASH);

    const summary = readSummary(join(dir, 'w.json'));
    expect(summary.total.failures).toBe(0);
    const mine = summary.tasks.find((t) => t.name === 'chainIdCheck');
    expect(mine?.type).toBe('eth_chainId');
    expect(mine?.requests).toBeGreaterThan(0);
    const rows = parseCsv(readFileSync(join(dir, 'run_stats.csv'), 'utf8'));
    const row = rows.find((r) => r.Name === 'chainIdCheck');
    expect(row?.Type).toBe('eth_chainId');
    expect(Number(row?.['Request Count'])).toBe(mine!.requests);
    expect(Number(rows.find((r) => r.Name === 'Aggregated')?.['Request Count'])).toBe(summary.total.requests);
  }, 150_000);
});

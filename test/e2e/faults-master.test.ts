/**
 * The master misbehaves: it dies mid-test and comes back on the same port (Locust 2.12.1
 * sends no heartbeats, so only the socket tells), or it is not there at all.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { masterWorkerArgv } from '../support/cli-argv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startWebMaster } from '../support/locust.js';
import { eventually, freePort, startProcess } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';

const dev = useBareDevChain(HAVE_LOCUST);

describe('master faults', () => {
  it('a 2.12.1 master killed and restarted on the same port: the worker stops, registers again within 10 s, and the new test counts right', async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-master-restart-'));
    const port = await freePort();
    const first = startWebMaster(port, await freePort());
    const worker = startProcess(
      process.execPath,
      masterWorkerArgv({ tc: 'blockNumber', endpoint: dev.chain.url, masterPort: port }, '--max-rps', '100', '--json', join(dir, 'w.json')),
    );

    await eventually(() => first.workerIs('ready'), 30_000, 'the worker to register');
    await first.swarm(4);
    await eventually(async () => ((await first.aggregated()) > 0 ? true : undefined), 20_000, 'requests in the first test');

    first.proc.kill('SIGKILL');
    await first.proc.exited(10_000);
    await worker.waitForOutput(/lost the connection to the Locust master/, 10_000);

    const second = startWebMaster(port, await freePort());
    // The master's own start-up (Python imports) is not the worker's delay: count from the
    // moment the restarted master answers.
    await eventually(async () => ((await second.stats()) ? true : undefined), 30_000, 'the restarted master to answer', 100);
    const restartedAt = Date.now();
    // The worker's own word that the new master acked it (the second such line): the master's
    // web view lags behind its sockets (cached for 2 s, and slow on a busy machine), so it is
    // read after, with its own deadline.
    await worker.waitForOutput(/registered with the Locust master[\s\S]*registered with the Locust master/, 10_000);
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    await eventually(() => second.workerIs('ready', 0), 20_000, 'the restarted master to list the worker as ready', 100);
    await second.swarm(2);
    await eventually(() => second.workerIs('running', 2), 20_000, 'the new test to run');
    await eventually(async () => ((await second.aggregated()) > 0 ? true : undefined), 20_000, 'requests in the new test');
    await second.stop();
    await eventually(() => second.workerIs('ready'), 20_000, 'the worker to be ready after /stop');
    const masterCount = await second.settledCount();

    second.proc.kill('SIGTERM');
    expect(await worker.exited(15_000)).toBe(0);
    await second.proc.exited(15_000);
    expect(second.proc.output()).not.toMatch(MASTER_CRASH);
    const summary = JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')) as { users: number; total: { requests: number } };
    expect(summary.users).toBe(2);
    expect(summary.total.requests).toBe(masterCount);
  }, 150_000);

  it('no master at start: a clear line every few seconds, then a clear error and exit 1 after --connect-timeout', async () => {
    const port = await freePort();
    const worker = startProcess(
      process.execPath,
      masterWorkerArgv({ tc: 'blockNumber', endpoint: 'http://127.0.0.1:9', masterPort: port }, '--connect-timeout', '7s'),
    );
    // Counted from the worker's first line about the master (its start-up is not the wait: on
    // a busy machine that took over 7 s once).
    await worker.waitForOutput(/connecting to the Locust master/, 20_000);
    const started = performance.now();
    expect(await worker.exited(20_000)).toBe(1);
    const tookS = (performance.now() - started) / 1000;
    expect(tookS).toBeGreaterThan(6.5);
    expect(tookS).toBeLessThan(9);
    const out = worker.output();
    expect(out).toMatch(/still waiting for the Locust master/);
    expect(out).toMatch(/no Locust master answered at tcp:\/\/127\.0\.0\.1:\d+ within 7 s \(--connect-timeout\)/);
    expect(out).not.toMatch(/\n\s+at .*\.js:\d+/);
  }, 30_000);
});

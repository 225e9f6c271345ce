/**
 * A network partition between hosts: a worker on its own test host (a network namespace
 * behind a veth link) loses the master for a while. The master marks it missing, then it
 * comes back, and no count is lost: what the master aggregated equals what the workers sent.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevChain, type DevChain } from '../src/dev-chain.js';
import { canMakeNamespaces, makeTestHost, type TestHost } from './support/netns.js';
import { CLI, eventually, freePort, killStarted, LOCUST, REPO_ROOT, startProcess } from './support/processes.js';
import { requireOrSkip } from './support/require-tool.js';

let host: TestHost | null = null;
let chain: DevChain | null = null;
afterEach(async () => {
  killStarted();
  host?.remove();
  host = null;
  await chain?.stop();
  chain = null;
});

interface StatsJson {
  stats: { name: string; num_requests: number }[];
  workers: { id: string; state: string; user_count: number }[];
}

describe('network partition', () => {
  it('a worker cut off from the master is marked missing, comes back when the link returns, and nothing is lost', async (ctx) => {
    const ns = canMakeNamespaces();
    requireOrSkip(ctx, ns.ok, ns.reason);
    requireOrSkip(ctx, existsSync(LOCUST), `no Locust master at ${LOCUST}`);
    host = makeTestHost();
    chain = await startDevChain({ blockTime: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-partition-'));
    const [port, webPort] = [await freePort(), await freePort()];
    // The master listens only on its end of the link between the two hosts.
    const master = startProcess(LOCUST, ['-f', join(REPO_ROOT, 'dummy.py'), '--master', '--master-bind-host', host.localAddress, '--master-bind-port', String(port), '--web-host', '127.0.0.1', '--web-port', String(webPort)]);
    const web = `http://127.0.0.1:${webPort}`;
    const stats = async () => (await (await fetch(`${web}/stats/requests`)).json()) as StatsJson;

    // One worker on the far host (with its own embedded chain), one here.
    const far = startProcess('ip', ['netns', 'exec', host.name, process.execPath, CLI, '--tc', 'blockNumber', '--master-host', host.localAddress, '--master-port', String(port), '--max-rps', '100', '--json', join(dir, 'far.json')]);
    const near = startProcess(process.execPath, [CLI, '--tc', 'blockNumber', '--endpoint', chain.url, '--master-host', host.localAddress, '--master-port', String(port), '--max-rps', '100', '--json', join(dir, 'near.json')]);
    await eventually(async () => ((await stats()).workers.filter((w) => w.state === 'ready').length === 2 ? true : undefined), 40_000, 'two workers ready');
    const farId = (await far.waitForOutput(/nodeId[":\s]+([^\s",]+)/, 10_000))[1]!;

    const res = await fetch(`${web}/swarm`, { method: 'POST', body: new URLSearchParams({ user_count: '4', spawn_rate: '4' }) });
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    const farState = async () => (await stats()).workers.find((w) => w.id === farId)?.state;
    await eventually(async () => ((await farState()) === 'running' ? true : undefined), 20_000, 'the far worker running');

    host.cut();
    await eventually(async () => ((await farState()) === 'missing' ? true : undefined), 20_000, 'the master to mark the far worker missing');
    host.restore();
    await eventually(async () => {
      const state = await farState();
      return state !== undefined && state !== 'missing' ? true : undefined;
    }, 40_000, 'the far worker to come back');

    await fetch(`${web}/stop`);
    await eventually(async () => ((await stats()).workers.every((w) => w.state === 'ready') ? true : undefined), 30_000, 'both workers ready after /stop');
    let previous = -1;
    const masterCount = await eventually(async () => {
      const n = (await stats()).stats.find((r) => r.name === 'Aggregated')?.num_requests ?? 0;
      const stable = n === previous ? n : undefined;
      previous = n;
      return stable;
    }, 30_000, 'the numbers to settle', 2_500);

    master.kill('SIGTERM');
    expect(await far.exited(20_000)).toBe(0);
    expect(await near.exited(20_000)).toBe(0);
    await master.exited(15_000);
    const sent = ['far.json', 'near.json'].map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { total: { requests: number } }).total.requests);
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[0]! + sent[1]!).toBe(masterCount);
    expect(master.output()).not.toMatch(/Unhandled exception|Uncaught exception|Traceback/);
  }, 180_000);
});

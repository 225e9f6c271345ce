/**
 * A network partition between hosts: a worker on its own test host (a network namespace
 * behind a veth link) loses the master for a while. The master marks it missing, then it
 * comes back, and no count is lost: what the master aggregated equals what the workers sent.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startWebMaster } from '../support/locust.js';
import { canMakeNamespaces, makeTestHost, type TestHost } from '../support/netns.js';
import { CLI, eventually, freePort, killStarted, startProcess } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';

let host: TestHost | null = null;
let chain: DevChain | null = null;
afterEach(async () => {
  killStarted();
  host?.remove();
  host = null;
  await chain?.stop();
  chain = null;
});

describe('network partition', () => {
  it('a worker cut off from the master is marked missing, comes back when the link returns, and nothing is lost', async (ctx) => {
    const ns = canMakeNamespaces();
    requireOrSkip(ctx, ns.ok, ns.reason);
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    host = makeTestHost();
    chain = await startDevChain({ blockTime: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-partition-'));
    const [port, webPort] = [await freePort(), await freePort()];
    // The master listens only on its end of the link between the two hosts.
    const master = startWebMaster(port, webPort, host.localAddress);
    const { stats } = master;

    // One worker on the far host (with its own embedded chain), one here.
    const { localAddress } = host;
    const workerArgv = (name: string) => [
      CLI,
      '--tc',
      'blockNumber',
      '--master-host',
      localAddress,
      '--master-port',
      String(port),
      '--max-rps',
      '100',
      '--json',
      join(dir, `${name}.json`),
    ];
    const far = startProcess('ip', ['netns', 'exec', host.name, process.execPath, ...workerArgv('far')]);
    const near = startProcess(process.execPath, [...workerArgv('near'), '--endpoint', chain.url]);
    await eventually(async () => ((await stats()).workers.filter((w) => w.state === 'ready').length === 2 ? true : undefined), 40_000, 'two workers ready');
    const farId = (await far.waitForOutput(/nodeId[":\s]+([^\s",]+)/, 10_000))[1]!;

    await master.swarm(4);
    const farState = async () => (await stats()).workers.find((w) => w.id === farId)?.state;
    await eventually(async () => ((await farState()) === 'running' ? true : undefined), 20_000, 'the far worker running');

    host.cut();
    await eventually(async () => ((await farState()) === 'missing' ? true : undefined), 20_000, 'the master to mark the far worker missing');
    host.restore();
    await eventually(
      async () => {
        const state = await farState();
        return state !== undefined && state !== 'missing' ? true : undefined;
      },
      40_000,
      'the far worker to come back',
    );

    await master.stop();
    await eventually(async () => ((await stats()).workers.every((w) => w.state === 'ready') ? true : undefined), 30_000, 'both workers ready after /stop');
    const masterCount = await master.settledCount();

    master.proc.kill('SIGTERM');
    expect(await far.exited(20_000)).toBe(0);
    expect(await near.exited(20_000)).toBe(0);
    await master.proc.exited(15_000);
    const sent = ['far.json', 'near.json'].map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { total: { requests: number } }).total.requests);
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[0]! + sent[1]!).toBe(masterCount);
    expect(master.proc.output()).not.toMatch(MASTER_CRASH);
  }, 180_000);
});

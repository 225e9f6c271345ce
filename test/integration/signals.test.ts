/**
 * Ctrl-C and SIGTERM: the first ends the run cleanly (users stopped, final stats and quit sent
 * to the master, exit 0 within 2 s); a second exits at once; the embedded anvil never survives.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { startDevChain } from '../../src/app/dev-chain.js';
import { FaultyProxy } from '../support/faulty-proxy.js';
import { MockMaster } from '../support/mock-master.js';
import { CLI, killStarted, startProcess } from '../support/processes.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  killStarted();
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function requestsIn(data: unknown): number {
  return (data as { stats_total: { num_requests: number } }).stats_total.num_requests;
}

describe('signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s during a master-driven run: final stats, quit, exit 0 within 2 s, no anvil left',
    async (signal) => {
      const master = await MockMaster.start();
      cleanup.push(() => master.close());
      const worker = startProcess(process.execPath, [CLI, '--tc', 'blockNumber', '--master-port', String(master.port), '--max-rps', '200']);
      const ready = await master.waitFor('client_ready', { timeoutMs: 30_000 });
      const [, anvilUrl] = worker.output().match(/(http:\/\/127\.0\.0\.1:\d+)/) ?? [];
      expect(anvilUrl).toBeDefined();
      await master.send(ready.identity, 'ack', { index: 0 });
      await master.spawnUsers(ready.identity, 5);
      await master.waitFor((m) => m.type === 'stats' && requestsIn(m.data) > 0, { timeoutMs: 10_000 });

      const mark = master.received.length;
      const sentAt = performance.now();
      worker.kill(signal);
      const quit = await master.waitFor('quit', { from: mark, timeoutMs: 2_000 });
      expect(await worker.exited(2_000)).toBe(0);
      expect(performance.now() - sentAt).toBeLessThan(2_000);
      // The last results went out before quit.
      const after = master.received.slice(mark);
      expect(after.findIndex((m) => m.type === 'stats')).toBeLessThan(after.indexOf(quit));
      expect(quit.identity).toBe(ready.identity);
      await expect(fetch(anvilUrl!, { method: 'POST', body: '{}' })).rejects.toThrow();
    },
    60_000,
  );

  it('a second signal exits at once, even while in-flight requests are being waited for', async () => {
    const chain = await startDevChain({ blockTime: 1 });
    cleanup.push(() => chain.stop());
    const proxy = await FaultyProxy.start(chain.url);
    cleanup.push(() => proxy.close());
    proxy.slowMs = 60_000;
    const worker = startProcess(process.execPath, [
      CLI,
      '--standalone',
      '-u',
      '3',
      '-r',
      '100',
      '--tc',
      'blockNumber',
      '--endpoint',
      proxy.url,
      '--rpc-timeout',
      '120s',
      '--stop-timeout',
      '60s',
    ]);
    await worker.waitForOutput(/standalone test started/, 20_000);
    await proxy.setMode('slow');
    // Wait until the users are stuck in slow requests.
    const deadline = Date.now() + 10_000;
    while ((proxy.seen.get('slow') ?? 0) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(proxy.seen.get('slow') ?? 0).toBeGreaterThanOrEqual(3);

    worker.kill('SIGINT');
    await worker.waitForOutput(/press Ctrl-C again/, 5_000);
    const second = performance.now();
    worker.kill('SIGINT');
    expect(await worker.exited(3_000)).toBe(130);
    expect(performance.now() - second).toBeLessThan(1_500);
  }, 60_000);
});

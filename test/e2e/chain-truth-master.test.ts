/**
 * Chain truth with a real Locust 2.12.1 master: the master's mined rows equal the chain's
 * count, test by test. (Its bounds are counts, not block fullness: it need not run alone.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BLOCK_TRANSFERS } from '../support/chain-audit.js';
import { masterWorkerArgv } from '../support/cli-argv.js';
import { useDevChain } from '../support/dev-chain-fixture.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startWebMaster } from '../support/locust.js';
import { eventually, freePort, startProcess } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';
import { accountsOf, expectConserved, nonceSum, readSummary, sum } from '../support/test-accounts.js';

const dev = useDevChain();

interface MasterRow {
  method: string;
  name: string;
  num_requests: number;
  num_failures: number;
}

describe('chain truth with a real Locust 2.12.1 master', () => {
  it('two workers: each test’s mined row in the master equals what the chain holds from that test, and the workers’ counts add up to both', async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-chain-master-'));
    const [port, webPort] = [await freePort(), await freePort()];
    const master = startWebMaster(port, webPort);
    const seeds = ['master-a', 'master-b'];
    const accounts = seeds.flatMap((s) => accountsOf(dev.chain.richKey, s, 40).map((a) => a.address));
    const workers = seeds.map((seed) =>
      startProcess(
        process.execPath,
        masterWorkerArgv(
          { tc: 'valueTransfer', endpoint: dev.chain.url, masterPort: port },
          '--key-file',
          dev.keyFile,
          '--accounts',
          '40',
          '--account-seed',
          seed,
          '--json',
          join(dir, `${seed}.json`),
          '--log-format',
          'json',
        ),
      ),
    );
    const allWorkers = async (state: string) => {
      const s = await master.stats();
      return s.workers.length === 2 && s.workers.every((w) => w.state === state) ? true : undefined;
    };
    const minedRow = async () => ((await master.stats()).stats as unknown as MasterRow[]).find((r) => r.method === 'mined' && r.name === 'valueTransfer');
    /** The master's mined row once two reads 2.5 s apart agree (its stats are cached for 2 s). */
    const settledMined = async () => {
      let previous = '';
      // What each read said, should the row never settle.
      const reads: string[] = [];
      return eventually(
        async () => {
          const r = await minedRow();
          const now = JSON.stringify(r ?? null);
          reads.push(`${new Date().toISOString()} ${now}`);
          const stable = now === previous && r !== undefined ? r : undefined;
          previous = now;
          return stable;
        },
        30_000,
        'the mined row to settle',
        2_500,
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}; the reads:\n${reads.join('\n')}\nworkers:\n${workers.map((w) => w.output().slice(-3_000)).join('\n---\n')}`);
      });
    };

    await eventually(() => allWorkers('ready'), 60_000, 'both workers to register');
    let chainBefore = await nonceSum(dev.rpc, accounts);
    const perTest: { master: number; chain: number }[] = [];
    let previous = 0;
    for (const users of [20, 10]) {
      await master.swarm(users);
      // The master serves its stats from a 2 s cache: until it shows this test's reset, the
      // previous test's mined row would pass for this one's (seen: a second test stopped before
      // its users sent anything, and its row never came).
      if (previous > 0) {
        await eventually(async () => (((await minedRow())?.num_requests ?? 0) < previous ? true : undefined), 30_000, 'the master to show the new test', 250);
      }
      await eventually(
        async () => (((await minedRow())?.num_requests ?? 0) > 3 * BLOCK_TRANSFERS ? true : undefined),
        60_000,
        'mined transactions in the master',
      );
      await master.stop();
      // The workers drain before they say stopped: once they are ready again, every settlement is in.
      await eventually(() => allWorkers('ready'), 60_000, 'both workers ready after /stop');
      const r = await settledMined();
      const chainNow = await nonceSum(dev.rpc, accounts);
      perTest.push({ master: r.num_requests - r.num_failures, chain: chainNow - chainBefore });
      previous = r.num_requests;
      expect(r.num_failures).toBe(0);
      chainBefore = chainNow;
    }
    for (const t of perTest) expect(t.master).toBe(t.chain);

    master.proc.kill('SIGTERM');
    for (const w of workers) expect(await w.exited(30_000)).toBe(0);
    await master.proc.exited(15_000);
    expect(master.proc.output()).not.toMatch(MASTER_CRASH);
    const mined = seeds.map((seed) => expectConserved(readSummary(join(dir, `${seed}.json`)), false).mined);
    expect(sum(mined)).toBe(sum(perTest.map((t) => t.chain)));
  }, 240_000);
});

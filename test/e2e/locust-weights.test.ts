/**
 * Test-case weights under a real Locust master (Debian's 2.12.1): two workers run
 * `--tc valueTransfer:3,blockNumber:1`, the master gives each 20 users, and each worker must
 * split them 15:5 (largest remainder), which the master's CSV shows as a 3:1 ratio.
 *
 * The master's stats count requests, not users, so the users are made visible through the
 * rate limiter: with `--max-rps 40 --rps-mode smooth` a worker grants one iteration every
 * 25 ms to the user that has waited longest (a FIFO). Each iteration here takes a few ms, far
 * less than the 500 ms the grants take to go round 20 users, so every user gets the same
 * number of grants and each name's requests are proportional to its users. A 14:6 split
 * would show 2.33, 16:4 would show 4, an even split 1: all outside the bounds below.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { KEY_ENV } from '../../src/chain/keys.js';
import { masterWorkerArgv } from '../support/cli-argv.js';
import { parseCsv } from '../support/csv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startRunTimeMaster } from '../support/locust.js';
import { freePort, type Proc, startProcess } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';
import { readSummary, row } from '../support/test-accounts.js';

const USERS_PER_WORKER = 20;
/** The ratio of 15:5 users, with room for the partial round at either end of the run. */
const RATIO_BOUNDS = [2.6, 3.4] as const;

const dev = useBareDevChain(HAVE_LOCUST);

function startWorker(masterPort: number, jsonFile: string, seed: string): Proc {
  const args = masterWorkerArgv(
    { tc: 'valueTransfer:3,blockNumber:1', endpoint: dev.chain.url, masterPort },
    '--json',
    jsonFile,
    '--accounts',
    '20',
    '--account-seed',
    seed,
    '--max-rps',
    '40',
    '--rps-mode',
    'smooth',
    '--log-format',
    'json',
  );
  return startProcess(process.execPath, args, { env: { [KEY_ENV]: dev.chain.richKey } });
}

describe('test-case weights with a real Locust 2.12.1 master', () => {
  it('valueTransfer:3,blockNumber:1 with 20 users per worker shows both names in the master CSV at 3:1', async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-weights-'));
    const port = await freePort();
    const master = await startRunTimeMaster({
      port,
      workers: 2,
      users: 2 * USERS_PER_WORKER,
      rate: 2 * USERS_PER_WORKER,
      seconds: 15,
      csv: join(dir, 'run'),
      waitS: 90,
    });
    const workers = [startWorker(port, join(dir, 'a.json'), 'weights-a'), startWorker(port, join(dir, 'b.json'), 'weights-b')];

    expect(await master.exited(150_000)).toBe(0);
    for (const w of workers) expect(await w.exited(20_000), w.output().slice(-2000)).toBe(0);
    expect(master.output()).not.toMatch(MASTER_CRASH);

    const summaries = ['a.json', 'b.json'].map((f) => readSummary(join(dir, f)) as ReturnType<typeof readSummary> & { users: number });
    let transfers = 0;
    let reads = 0;
    for (const s of summaries) {
      expect(s.users).toBe(USERS_PER_WORKER);
      expect(s.total.failures).toBe(0);
      const t = row(s, 'eth_sendRawTransaction', 'valueTransfer')?.requests ?? 0;
      const r = row(s, 'eth_blockNumber', 'blockNumber')?.requests ?? 0;
      expect(r).toBeGreaterThan(50);
      // Each worker on its own splits its 20 users 15:5.
      expect(t / r).toBeGreaterThanOrEqual(RATIO_BOUNDS[0]);
      expect(t / r).toBeLessThanOrEqual(RATIO_BOUNDS[1]);
      transfers += t;
      reads += r;
    }

    // Each worker says how it bound its users when the master's last spawn reached it.
    for (const w of workers) {
      const spawns = w
        .output()
        .split('\n')
        .filter((l) => l.includes('"users running"'))
        .map((l) => JSON.parse(l) as { users: number; byTestCase: Record<string, number> });
      expect(spawns.at(-1)?.byTestCase).toEqual({ valueTransfer: 15, blockNumber: 5 });
    }

    const rows = parseCsv(readFileSync(join(dir, 'run_stats.csv'), 'utf8'));
    const csvTransfers = rows.find((r) => r.Name === 'valueTransfer');
    const csvReads = rows.find((r) => r.Name === 'blockNumber');
    expect(csvTransfers?.Type).toBe('eth_sendRawTransaction');
    expect(csvReads?.Type).toBe('eth_blockNumber');
    // The master counts exactly what the workers sent, name by name...
    expect(Number(csvTransfers?.['Request Count'])).toBe(transfers);
    expect(Number(csvReads?.['Request Count'])).toBe(reads);
    // ...and so shows the 3:1 split of the users.
    const ratio = Number(csvTransfers?.['Request Count']) / Number(csvReads?.['Request Count']);
    expect(ratio).toBeGreaterThanOrEqual(RATIO_BOUNDS[0]);
    expect(ratio).toBeLessThanOrEqual(RATIO_BOUNDS[1]);
  }, 200_000);
});

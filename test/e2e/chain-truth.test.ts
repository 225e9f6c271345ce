/**
 * Chain truth on a real anvil: the worker's `mined` numbers against what the chain holds, a
 * saturated chain kept saturated, drops seen and healed, and — with a real Locust master —
 * the master's mined rows equal to the chain's count, test by test.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { auditBlocks, headOf } from '../support/chain-audit.js';
import { parseCsv } from '../support/csv.js';
import { useDevChain } from '../support/dev-chain-fixture.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startWebMaster } from '../support/locust.js';
import { CLI, eventually, freePort, startProcess } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';
import { accountsOf, drainedNonces, expectConserved, readSummary, row, sum, tempDir } from '../support/test-accounts.js';

/** A 30M-gas block of 21,000-gas transfers. */
const BLOCK_TRANSFERS = Math.floor(30_000_000 / 21_000);

const dev = useDevChain();

async function poolSize(): Promise<number> {
  const { pending, queued } = (await dev.rpc.call('txpool_status', [])).result as { pending: string; queued: string };
  return Number(pending) + Number(queued);
}

async function nonceSum(addresses: readonly string[]): Promise<number> {
  return sum(await drainedNonces(dev.rpc, addresses, 60_000));
}

function standalone(seed: string, accounts: number, users: number, seconds: number, extra: string[] = []) {
  const json = join(tempDir(), 'summary.json');
  const csv = join(tempDir(), 'run');
  const proc = startProcess(process.execPath, [
    CLI,
    '--standalone',
    '--endpoint',
    dev.chain.url,
    '--key-file',
    dev.keyFile,
    '--tc',
    'valueTransfer',
    '-u',
    String(users),
    '-r',
    String(users),
    '-t',
    `${seconds}s`,
    '--accounts',
    String(accounts),
    '--account-seed',
    seed,
    '--json',
    json,
    '--csv',
    csv,
    ...extra,
  ]);
  return { proc, json, csv };
}

describe('chain truth on anvil', () => {
  it('a saturating run (no rate cap, 40 users, 200 accounts) keeps the blocks full and the pool bounded, and mined equals what the chain holds', async () => {
    const accounts = accountsOf(dev.chain.richKey, 'saturate', 200).map((a) => a.address);
    const before = await nonceSum(accounts);
    const run = standalone('saturate', 200, 40, 20);
    await run.proc.waitForOutput(/all users hatched/, 60_000);
    const sendStart = await headOf(dev.rpc);
    // The pool never holds more than --max-pending (16) per account.
    let largestPool = 0;
    const sampling = (async () => {
      while (run.proc.child.exitCode === null && !/standalone test finished/.test(run.proc.output())) {
        largestPool = Math.max(largestPool, await poolSize().catch(() => 0));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await run.proc.waitForOutput(/waiting for sent transactions to be mined|standalone test finished/, 60_000);
    const sendEnd = await headOf(dev.rpc);
    expect(await run.proc.exited(90_000), run.proc.output()).toBe(0);
    await sampling;

    const summary = readSummary(run.json);
    const t = expectConserved(summary);
    expect(t.unresolved).toBe(0);
    expect(t.dropped).toBe(0);
    expect(t.accepted + t.resent).toBe(row(summary, 'eth_sendRawTransaction', 'valueTransfer')!.requests);
    expect(t.mined).toBeGreaterThan(10 * BLOCK_TRANSFERS);
    expect((await nonceSum(accounts)) - before).toBe(t.mined);
    expect(largestPool).toBeLessThanOrEqual(200 * 16);

    // While it sends (the first block after the users are up to the last before they stop),
    // at least 90 % of the blocks are at least 90 % full of its transfers.
    const blocks = await auditBlocks(dev.rpc, accounts, sendStart + 2, sendEnd - 1);
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    const full = blocks.filter((b) => b.fullness >= 0.9 && b.ours >= 0.9 * BLOCK_TRANSFERS);
    expect(full.length / blocks.length, JSON.stringify(blocks.map((b) => b.ours))).toBeGreaterThanOrEqual(0.9);
  }, 150_000);

  it('transactions the node drops (its pool emptied, a base fee spike) are failures of the mined row, and the blocks are full again within two blocks', async () => {
    const accounts = accountsOf(dev.chain.richKey, 'drops', 200).map((a) => a.address);
    const before = await nonceSum(accounts);
    const run = standalone('drops', 200, 40, 24, ['--charge', '5']);
    await run.proc.waitForOutput(/all users hatched/, 60_000);
    const faults: number[] = [];
    const fault = async (method: string, params: unknown[]) => {
      // Four blocks of full-speed sending first.
      const start = await headOf(dev.rpc);
      await eventually(async () => ((await headOf(dev.rpc)) >= start + 4 ? true : undefined), 20_000, 'four blocks', 100);
      faults.push(await headOf(dev.rpc));
      await dev.rpc.call(method, params);
    };
    await fault('anvil_dropAllTransactions', []);
    await fault('anvil_dropAllTransactions', []);
    // 100 gwei: everything in the pool is priced below the next block and is thrown out.
    await fault('anvil_setNextBlockBaseFeePerGas', ['0x174876e800']);
    expect(await run.proc.exited(90_000), run.proc.output()).toBe(1);

    const summary = readSummary(run.json);
    const t = expectConserved(summary);
    // The worker's account of what it re-sent, dropped and healed, should this fail.
    const story = () =>
      run.proc
        .output()
        .split('\n')
        .filter((l) => /drop|heal|re-send|resend|unresolved|refused|gap|waiting/i.test(l))
        .slice(-40)
        .join('\n');
    expect(t.unresolved, story()).toBe(0);
    expect(t.dropped).toBeGreaterThan(0);
    expect((await nonceSum(accounts)) - before).toBe(t.mined);
    const failures = parseCsv(readFileSync(`${run.csv}_failures.csv`, 'utf8'));
    const kinds = new Map(failures.map((f) => [`${f.Method} ${f.Name}: ${f.Error}`, Number(f.Occurrences)]));
    expect(kinds.get('mined valueTransfer: dropped: the node no longer knows it (evicted from its pool)')).toBe(t.dropped);
    // Until a block shows the new base fee, the node refuses sends priced below it: each user
    // meets that once, then waits for the new quote rather than sending more into a refusal.
    const refused = kinds.get('eth_sendRawTransaction valueTransfer: JSON-RPC error -32003: max fee per gas less than block base fee') ?? 0;
    expect(refused).toBeLessThanOrEqual(40);
    expect(row(summary, 'eth_sendRawTransaction', 'valueTransfer')!.failures, JSON.stringify(failures)).toBe(refused);

    // After each fault the chain is full of our transfers again within two blocks (nonces
    // healed, fees above the new base fee): one of blocks fault+2 and fault+3 is ≥ 90 % ours.
    // (The block right after may be a dip, or not: a drop healed before it leaves none.)
    const last = await headOf(dev.rpc);
    const blocks = await auditBlocks(dev.rpc, accounts, faults[0]!, last);
    const at = (n: number) => blocks.find((b) => b.number === n);
    for (const h of faults) {
      const next = [at(h + 2), at(h + 3)];
      expect(
        Math.max(...next.map((b) => b?.ours ?? 0)),
        `after the fault at block ${h}: ${JSON.stringify(blocks.map((b) => [b.number, b.ours]))}`,
      ).toBeGreaterThanOrEqual(0.9 * BLOCK_TRANSFERS);
    }
  }, 150_000);

  it('--max-pending 0 is the open loop: the pool grows past what backpressure allows', async () => {
    const run = standalone('open-loop', 20, 20, 6, ['--max-pending', '0']);
    await run.proc.waitForOutput(/all users hatched/, 60_000);
    // With backpressure the pool would hold at most 20 × 16 = 320 of its transactions.
    await eventually(async () => ((await poolSize()) > 2 * 20 * 16 ? true : undefined), 30_000, 'the open loop to flood the pool', 100);
    await run.proc.exited(120_000);
    const t = expectConserved(readSummary(run.json));
    expect(t.accepted).toBeGreaterThan(0);
  }, 150_000);
});

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
      startProcess(process.execPath, [
        CLI,
        '--tc',
        'valueTransfer',
        '--endpoint',
        dev.chain.url,
        '--key-file',
        dev.keyFile,
        '--accounts',
        '40',
        '--account-seed',
        seed,
        '--master-port',
        String(port),
        '--json',
        join(dir, `${seed}.json`),
        '--log-format',
        'json',
      ]),
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
    let chainBefore = await nonceSum(accounts);
    const perTest: { master: number; chain: number }[] = [];
    for (const users of [20, 10]) {
      await master.swarm(users);
      await eventually(
        async () => (((await minedRow())?.num_requests ?? 0) > 3 * BLOCK_TRANSFERS ? true : undefined),
        60_000,
        'mined transactions in the master',
      );
      await master.stop();
      // The workers drain before they say stopped: once they are ready again, every settlement is in.
      await eventually(() => allWorkers('ready'), 60_000, 'both workers ready after /stop');
      const r = await settledMined();
      const chainNow = await nonceSum(accounts);
      perTest.push({ master: r.num_requests - r.num_failures, chain: chainNow - chainBefore });
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

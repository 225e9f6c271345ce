/**
 * Chain truth on a real anvil, saturated: the worker's `mined` numbers against what the chain
 * holds, a saturated chain kept saturated, drops seen and healed, and the open loop flooding the
 * pool. (Runs alone: these bounds need the worker to outpace the chain, and measure the
 * worker, not its neighbours; see test/vitest.config.ts.)
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { auditBlocks, BLOCK_TRANSFERS, headOf, poolSize, poolTrace, unminedInPool } from '../support/chain-audit.js';
import { parseCsv } from '../support/csv.js';
import { useDevChain } from '../support/dev-chain-fixture.js';
import { eventually } from '../support/processes.js';
import { startTransfers } from '../support/standalone-worker.js';
import { accountsOf, expectConserved, nonceSum, readSummary, row } from '../support/test-accounts.js';

const dev = useDevChain();
/** The worker's warning that --max-pending, not the chain, set the rate (src/chain/max-pending-watch.ts). */
const HELD_BACK = /--max-pending held the users back for \d+ blocks while the chain mined all it was sent/;

describe('chain truth on anvil', () => {
  it('a saturating run (no rate cap, 40 users, 200 accounts) keeps the blocks full and the pool bounded, and mined equals what the chain holds', async () => {
    const accounts = accountsOf(dev.chain.richKey, 'saturate', 200).map((a) => a.address);
    const before = await nonceSum(dev.rpc, accounts);
    const run = startTransfers(dev, { seed: 'saturate', accounts: 200, users: 40, seconds: 20 });
    await run.proc.waitForOutput(/all users hatched/, 60_000);
    const sendStart = await headOf(dev.rpc);
    // The pool never holds more than --max-pending (16) unmined transactions per account. Its
    // own count is read every 200 ms; what it holds unmined, by account, every second and
    // whenever that count is over the bound (it can hold a served block's transactions for a
    // moment: see unminedInPool).
    const BOUND = 16;
    let largestPool = 0;
    const unmined = { samples: 0, total: 0, most: 0 };
    const sampling = (async () => {
      let lastExact = -Infinity;
      while (run.proc.child.exitCode === null && !/standalone test finished/.test(run.proc.output())) {
        const pooled = await poolSize(dev.rpc).catch(() => 0);
        largestPool = Math.max(largestPool, pooled);
        if (pooled > 200 * BOUND || performance.now() - lastExact >= 1_000) {
          lastExact = performance.now();
          const exact = await unminedInPool(dev.rpc, accounts).catch(() => null);
          if (exact !== null) {
            unmined.samples += 1;
            unmined.total = Math.max(unmined.total, exact.total);
            unmined.most = Math.max(unmined.most, exact.most);
          }
        }
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
    expect((await nonceSum(dev.rpc, accounts)) - before).toBe(t.mined);
    // Should it ever fail, what the worker failed and logged says which send went past the limit.
    const sends = summary.tasks.map((r) => `${r.type} ${r.requests} (${r.failures} failed)`);
    const story = `${JSON.stringify(unmined)}, pool at most ${largestPool}; ${sends.join(', ')}; ${run.proc.output().slice(-3_000)}`;
    expect(unmined.most, story).toBeLessThanOrEqual(BOUND);
    expect(unmined.total, story).toBeLessThanOrEqual(200 * BOUND);
    // The limit is what holds the pool back: it fills to near the bound (this also shows the
    // exact count reads the pool it is meant to).
    expect(unmined.samples, story).toBeGreaterThanOrEqual(5);
    expect(unmined.total, story).toBeGreaterThanOrEqual(0.75 * 200 * BOUND);

    // While it sends (the first block after the users are up to the last before they stop),
    // at least 90 % of the blocks are at least 90 % full of its transfers.
    const blocks = await auditBlocks(dev.rpc, accounts, sendStart + 2, sendEnd - 1);
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    const full = blocks.filter((b) => b.fullness >= 0.9 && b.ours >= 0.9 * BLOCK_TRANSFERS);
    expect(full.length / blocks.length, JSON.stringify(blocks.map((b) => b.ours))).toBeGreaterThanOrEqual(0.9);
    // The users waited at the limit, but for a chain that could not keep up: no warning.
    expect(run.proc.output()).not.toMatch(HELD_BACK);
  }, 150_000);

  it('a worker whose --max-pending holds its users back while the blocks have room says so, once, with the fix', async () => {
    // 4 accounts × 1 transaction in flight: a few transfers a block, where 1,428 fit.
    const run = startTransfers(dev, { seed: 'held-back', accounts: 4, users: 4, seconds: 8 }, ['--max-pending', '1']);
    await run.proc.waitForOutput(HELD_BACK, 60_000);
    expect(await run.proc.exited(90_000), run.proc.output()).toBe(0);
    const said = run.proc
      .output()
      .split('\n')
      .filter((line) => HELD_BACK.test(line));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(
      "the rate is this worker's limit (4 accounts × 1 = 4 transactions waiting for the chain), not the chain's; give more accounts (--accounts) or raise --max-pending",
    );
    const t = expectConserved(readSummary(run.json));
    expect(t.mined).toBe(t.accepted);
  }, 150_000);

  it('transactions the node drops (its pool emptied, a base fee spike) are failures of the mined row, and the blocks are full again within two blocks', async () => {
    const accounts = accountsOf(dev.chain.richKey, 'drops', 200).map((a) => a.address);
    const before = await nonceSum(dev.rpc, accounts);
    const run = startTransfers(dev, { seed: 'drops', accounts: 200, users: 40, seconds: 24 }, ['--charge', '5']);
    await run.proc.waitForOutput(/all users hatched/, 60_000);
    const faults: number[] = [];
    // For each fault, what the pool held in the 3 s after it (should the blocks not fill again:
    // did the worker send late, or into a nonce gap?).
    const traces = new Map<number, Promise<string>>();
    const fault = async (method: string, params: unknown[]) => {
      // Four blocks of full-speed sending first.
      const start = await headOf(dev.rpc);
      await eventually(async () => ((await headOf(dev.rpc)) >= start + 4 ? true : undefined), 20_000, 'four blocks', 100);
      const head = await headOf(dev.rpc);
      faults.push(head);
      await dev.rpc.call(method, params);
      traces.set(head, poolTrace(dev.rpc, 3_000, 100));
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
        .filter((l) => /drop|heal|re-send|resend|unresolved|refuse|batch|gap|waiting/i.test(l))
        .slice(-40)
        .join('\n');
    expect(t.unresolved, story()).toBe(0);
    expect(t.dropped).toBeGreaterThan(0);
    expect((await nonceSum(dev.rpc, accounts)) - before).toBe(t.mined);
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
        `after the fault at block ${h}: ${JSON.stringify(blocks.map((b) => [b.number, b.ours]))}; the pool after it (ms, head, pending, queued): ${await traces.get(h)}; ${story()}`,
      ).toBeGreaterThanOrEqual(0.9 * BLOCK_TRANSFERS);
    }
  }, 150_000);

  it('--max-pending 0 is the open loop: the pool grows past what backpressure allows', async () => {
    const run = startTransfers(dev, { seed: 'open-loop', accounts: 20, users: 20, seconds: 6 }, ['--max-pending', '0']);
    await run.proc.waitForOutput(/all users hatched/, 60_000);
    // With backpressure the pool would hold at most 20 × 16 = 320 of its transactions.
    await eventually(async () => ((await poolSize(dev.rpc)) > 2 * 20 * 16 ? true : undefined), 30_000, 'the open loop to flood the pool', 100);
    await run.proc.exited(120_000);
    const t = expectConserved(readSummary(run.json));
    expect(t.accepted).toBeGreaterThan(0);
  }, 150_000);
});

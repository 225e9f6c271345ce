/**
 * The transaction test cases side by side and in their modes: two workers sharing one rich
 * key, a rerun that finds its nonces, --tx-type and --rpc-namespace; the built CLI against a
 * real anvil, checked against what the chain holds afterwards.
 */
import { describe, expect, it } from 'vitest';

import { useDevChain } from '../support/dev-chain-fixture.js';
import { runWorker as runOn } from '../support/standalone-worker.js';
import { accountsOf, drainedNonces, expectConserved, nonceSum, readSummary } from '../support/test-accounts.js';

const dev = useDevChain();
const runWorker = (args: readonly string[]) => runOn(dev, args);

describe('transaction test cases in their modes, on anvil', () => {
  it('two workers with one rich key and different seeds fund and send side by side without collisions; a rerun finds its nonces', async () => {
    const seeds = ['side-a', 'side-b'];
    const accounts = seeds.map((s) => accountsOf(dev.chain.richKey, s, 6).map((a) => a.address));
    expect(new Set(accounts.flat()).size).toBe(12);
    const runs = await Promise.all(
      seeds.map((seed) => runWorker(['--tc', 'valueTransfer', '-u', '4', '-r', '4', '-t', '4s', '--accounts', '6', '--account-seed', seed])),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.output).toBe(0);
      const summary = readSummary(run.json);
      expect(summary.total.failures).toBe(0);
      expect(await nonceSum(dev.rpc, accounts[i]!)).toBe(expectConserved(summary).mined);
    }
    // Same seed again: funded already, nonces picked up from the chain, zero failures.
    const before = await nonceSum(dev.rpc, accounts[0]!);
    const again = await runWorker(['--tc', 'valueTransfer', '-u', '4', '-r', '4', '-t', '3s', '--accounts', '6', '--account-seed', 'side-a']);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('test accounts already funded');
    expect(again.output).not.toContain('funding test accounts');
    const summary = readSummary(again.json);
    expect(summary.total.failures).toBe(0);
    expect((await nonceSum(dev.rpc, accounts[0]!)) - before).toBe(expectConserved(summary).mined);
  });

  it('--tx-type legacy sends type-0 transactions (the default on anvil is type 2), and --rpc-namespace names the methods', async () => {
    for (const [seed, args, type] of [
      ['type-auto', [], '0x2'],
      ['type-legacy', ['--tx-type', 'legacy'], '0x0'],
    ] as const) {
      const accounts = new Set(accountsOf(dev.chain.richKey, seed, 3).map((a) => a.address.toLowerCase()));
      const from = BigInt((await dev.rpc.call('eth_blockNumber', [])).result as string);
      const run = await runWorker(['--tc', 'valueTransfer', '-u', '2', '-r', '2', '-t', '2s', '--accounts', '3', '--account-seed', seed, ...args]);
      expect(run.code, run.output).toBe(0);
      await drainedNonces(dev.rpc, [...accounts]);
      const to = BigInt((await dev.rpc.call('eth_blockNumber', [])).result as string);
      const types = new Set<string>();
      let count = 0;
      for (let n = from; n <= to; n++) {
        const { result } = await dev.rpc.call('eth_getBlockByNumber', [`0x${n.toString(16)}`, true]);
        for (const t of (result as { transactions: { from: string; type: string }[] }).transactions) {
          if (!accounts.has(t.from.toLowerCase())) continue;
          types.add(t.type);
          count++;
        }
      }
      expect(count).toBe(expectConserved(readSummary(run.json)).mined);
      expect([...types]).toEqual([type]);
    }

    // anvil has no kaia_* methods, so every send fails there, under the namespaced type.
    const kaia = await runWorker([
      '--tc',
      'valueTransfer',
      '-u',
      '1',
      '-r',
      '1',
      '-t',
      '1s',
      '--accounts',
      '3',
      '--account-seed',
      'type-legacy',
      '--rpc-namespace',
      'kaia',
    ]);
    expect(kaia.code).toBe(1);
    const summary = readSummary(kaia.json);
    expect(summary.tasks.map((r) => r.type)).toEqual(['kaia_sendRawTransaction']);
    expect(summary.transactions).toEqual({ accepted: 0, mined: 0, dropped: 0, unresolved: 0, resent: 0 });
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.total.failures).toBe(summary.total.requests);
  });
});

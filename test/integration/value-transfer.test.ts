/**
 * The transaction test cases end to end: the built CLI (`node dist/src/cli/main.js`) against a
 * real anvil, checked against what the chain holds afterwards (their modes, side by side and
 * --tx-type / --rpc-namespace: value-transfer-modes.test.ts).
 */
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { standaloneArgv } from '../support/cli-argv.js';
import { useDevChain } from '../support/dev-chain-fixture.js';
import { startProcess } from '../support/processes.js';
import { runWorker as runOn } from '../support/standalone-worker.js';
import { accountsOf, balances, drainedNonces, expectConserved, nonceSum, readSummary, row, tempDir } from '../support/test-accounts.js';

const RUN_DEADLINE_MS = 90_000;

const dev = useDevChain();
const runWorker = (args: readonly string[]) => runOn(dev, args);

describe('transaction test cases on anvil', () => {
  it('-vusigned 6 -activepercent 50, as the Go tools spell it: all 6 accounts are funded, only the first 3 send and receive', async () => {
    const run = await runWorker([
      '-tc',
      'transferSignedTx',
      '-u',
      '3',
      '-r',
      '3',
      '-t',
      '3s',
      '-vusigned',
      '6',
      '-activepercent',
      '50',
      '--account-seed',
      'active-half',
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('-vusigned is --accounts in klayworker');
    expect(run.output).toContain('-activepercent is --active-percent in klayworker');
    expect(row(readSummary(run.json), 'mined', 'valueTransfer')?.requests).toBeGreaterThan(10);
    const addresses = accountsOf(dev.chain.richKey, 'active-half', 6).map((a) => a.address);
    const nonces = await drainedNonces(dev.rpc, addresses);
    expect(
      nonces.slice(0, 3).every((n) => n > 0),
      `nonces ${nonces.join(',')}`,
    ).toBe(true);
    expect(nonces.slice(3)).toEqual([0, 0, 0]);
    // Funded with the default charge of 1, and never paid anything either.
    expect(await balances(dev.rpc, addresses.slice(3))).toEqual([10n ** 18n, 10n ** 18n, 10n ** 18n]);
  }, 120_000);

  it('valueTransfer, valueTransferWithCheck and receiptCheck run together with zero failures and one funding', async () => {
    const run = await runWorker([
      '--tc',
      'valueTransfer,valueTransferWithCheck,receiptCheck',
      '-u',
      '9',
      '-r',
      '9',
      '-t',
      '6s',
      '--accounts',
      '12',
      '--account-seed',
      'all-three',
    ]);
    expect(run.code, run.output).toBe(0);
    const summary = readSummary(run.json);
    expect(summary.total.failures).toBe(0);
    for (const [type, name] of [
      ['eth_sendRawTransaction', 'valueTransfer'],
      ['eth_sendRawTransaction', 'valueTransferWithCheck'],
      ['eth_sendRawTransaction', 'receiptCheck'],
      ['eth_getTransactionReceipt', 'receiptCheck'],
    ] as const) {
      expect(row(summary, type, name)?.requests, `${type} ${name}`).toBeGreaterThan(0);
    }
    // One send to nine reads, within the rounding of where the run stopped.
    const sends = row(summary, 'eth_sendRawTransaction', 'receiptCheck')!.requests;
    const reads = row(summary, 'eth_getTransactionReceipt', 'receiptCheck')!.requests;
    expect(Math.abs(reads - 9 * sends)).toBeLessThanOrEqual(9 * 3);
    // Confirmed transfers take about a block each.
    expect(row(summary, 'eth_sendRawTransaction', 'valueTransferWithCheck')!.requests).toBeLessThan(
      row(summary, 'eth_sendRawTransaction', 'valueTransfer')!.requests,
    );
    expect(run.output.match(/funding test accounts/g)).toHaveLength(1);
  });

  it.each([
    ['polling the head', 'conserve', () => []],
    // anvil serves WebSockets on its HTTP port.
    ['heads announced over --ws-endpoint', 'conserve-ws', () => ['--ws-endpoint', dev.chain.url.replace(/^http/, 'ws')]],
  ])('conservation, %s: the successes reported equal the transactions the chain holds from the test accounts', async (how, seed, extra) => {
    const accounts = accountsOf(dev.chain.richKey, seed, 8).map((a) => a.address);
    // More users than accounts: some wait for a free account.
    const run = await runWorker(['--tc', 'valueTransfer', '-u', '12', '-r', '12', '-t', '4s', '--accounts', '8', '--account-seed', seed, ...extra()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output.includes('following new blocks as the node announces them'), how).toBe(extra().length > 0);
    const summary = readSummary(run.json);
    expect(summary.total.failures).toBe(0);
    const sends = row(summary, 'eth_sendRawTransaction', 'valueTransfer')!.requests;
    expect(sends).toBeGreaterThan(50);
    // Every accepted transfer was mined, and the chain holds exactly those.
    const t = expectConserved(summary);
    expect(t).toMatchObject({ mined: t.accepted, dropped: 0, unresolved: 0 });
    expect(t.accepted + t.resent).toBe(sends);
    expect(await nonceSum(dev.rpc, accounts)).toBe(summary.transactions.mined);
  });

  it('with no --endpoint and no key, runs on the embedded dev chain funded by its rich account', async () => {
    const json = join(tempDir(), 'summary.json');
    const proc = startProcess(process.execPath, standaloneArgv({ users: 4, rate: 4, time: '3s', tc: 'transferSignedTx' }, '--accounts', '5', '--json', json));
    expect(await proc.exited(RUN_DEADLINE_MS), proc.output()).toBe(0);
    const summary = readSummary(json);
    expect(row(summary, 'eth_sendRawTransaction', 'valueTransfer')?.requests).toBeGreaterThan(0);
    expect(summary.total.failures).toBe(0);
  });
});

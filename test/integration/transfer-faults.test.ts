/**
 * Faults around the transaction test cases, through the built CLI against a real anvil: a
 * poor rich account, an unreachable node, a malformed key, and another process spending
 * from a test account in the middle of a run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { readNonce } from '../../src/chain/account-state.js';
import { signerAccount } from '../../src/chain/accounts.js';
import { readFees } from '../../src/chain/chain-context.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { signTransfer } from '../../src/chain/signing/sign-transfer.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { parseCsv } from '../support/csv.js';
import { CLI, freePort, killStarted, startProcess } from '../support/processes.js';
import { accountsOf, balances, drainedNonces, readSummary, row, sum, tempDir, writeKeyFile } from '../support/test-accounts.js';

const ETH = 10n ** 18n;

let chain: DevChain;
let rpc: JsonRpcClient;
let keyFile: string;
let chainId: bigint;

beforeAll(async () => {
  chain = await startDevChain({ blockTime: 1 });
  rpc = new JsonRpcClient(chain.url, { timeoutMs: 10_000 });
  keyFile = writeKeyFile(chain.richKey);
  chainId = BigInt((await rpc.call('eth_chainId', [])).result as string);
});
afterAll(async () => {
  await rpc?.close();
  await chain?.stop();
});
afterEach(() => killStarted());

function worker(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return startProcess(process.execPath, [CLI, '--standalone', ...args], { env });
}

describe('transaction test case faults', () => {
  it('a rich account that cannot pay for the funding: a clear error with the numbers, before any send', async () => {
    const poorKey = `0x${'5a'.repeat(32)}`;
    const poor = signerAccount(PrivateKey.parse(poorKey, 'test'));
    await rpc.call('anvil_setBalance', [poor.address, `0x${(ETH / 20n).toString(16)}`]);
    const proc = worker([
      '--endpoint',
      chain.url,
      '--key-file',
      writeKeyFile(poorKey),
      '--tc',
      'valueTransfer',
      '-t',
      '5s',
      '--accounts',
      '10',
      '--charge',
      '1',
      '--account-seed',
      'poor',
    ]);
    expect(await proc.exited(60_000)).toBe(1);
    expect(proc.output()).toMatch(/rich account 0x\w+ holds 0\.05 \(50000000000000000 wei\) but funding 10 of 10 test accounts needs 10\.\d+ \(\d+ wei\)/);
    expect(proc.output()).not.toContain('standalone test started');
    expect(proc.output()).not.toContain('5a'.repeat(32));
    expect(await readNonce(rpc, poor.address, 'pending')).toBe(0);
    expect(
      sum(
        (
          await balances(
            rpc,
            accountsOf(poorKey, 'poor', 10).map((a) => a.address),
          )
        ).map(Number),
      ),
    ).toBe(0);
  });

  it('an unreachable endpoint: retried, then a clear error within --connect-timeout', async () => {
    const port = await freePort();
    const start = performance.now();
    const proc = worker(['--endpoint', `http://127.0.0.1:${port}`, '--key-file', keyFile, '--tc', 'valueTransfer', '--connect-timeout', '3s', '-t', '5s']);
    expect(await proc.exited(30_000)).toBe(1);
    const elapsed = performance.now() - start;
    expect(proc.output()).toMatch(
      new RegExp(
        `node not reachable; retrying for up to 3 s[\\s\\S]*no answer from the node at 127\\.0\\.0\\.1:${port} within 3 s \\(connection refused \\(ECONNREFUSED\\)\\); check --endpoint or raise --connect-timeout`,
      ),
    );
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
    // Process start-up on a busy 2-core machine included.
    expect(elapsed).toBeLessThan(20_000);
  });

  it.each([
    ['KLAYWORKER_KEY', (bad: string) => ({ args: [], env: { KLAYWORKER_KEY: bad } }), 'KLAYWORKER_KEY'],
    ['--key', (bad: string) => ({ args: ['--key', bad], env: {} }), '--key'],
    ['--key-file', (bad: string) => ({ args: ['--key-file', writeKeyFile(bad)], env: {} }), '--key-file'],
  ])('a malformed key in %s: one line that does not echo the key, exit 2', async (_where, how, origin) => {
    const bad = `0x${'c3'.repeat(31)}zz`;
    const { args, env } = how(bad);
    const proc = worker(['--endpoint', chain.url, '--tc', 'valueTransfer', ...args], env);
    expect(await proc.exited(30_000)).toBe(2);
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^klayworker: the private key from ${origin}.* is malformed: expected 64 hex digits, optionally 0x-prefixed$`));
    expect(proc.output()).not.toContain('c3c3c3c3');
  });

  it('no key with --endpoint: the transaction test cases say how to give one', async () => {
    const proc = worker(['--endpoint', chain.url, '--tc', 'valueTransfer', '-t', '2s'], { KLAYWORKER_KEY: '' });
    expect(await proc.exited(30_000)).toBe(1);
    expect(proc.output()).toMatch(/the transaction test cases need a funded rich key: give --key-file PATH or KLAYWORKER_KEY \(or --key\)/);
  });

  it('--key works but warns that other users can read it, and the key appears nowhere in the output', async () => {
    const proc = worker([
      '--endpoint',
      chain.url,
      '--key',
      chain.richKey,
      '--tc',
      'valueTransfer',
      '-t',
      '1s',
      '--accounts',
      '1',
      '--account-seed',
      'flag-key',
      '--log-level',
      'debug',
    ]);
    expect(await proc.exited(60_000), proc.output()).toBe(0);
    expect(proc.output()).toMatch(/WARN.*--key puts the private key in the process arguments, where other users of this machine can read it \(ps\)/);
    expect(proc.output().toLowerCase()).not.toContain(chain.richKey.slice(2).toLowerCase());
  });

  it('another process spending from a test account mid-run: the nonce manager resyncs and the run goes on', async () => {
    const seed = 'outsider';
    const accounts = accountsOf(chain.richKey, seed, 3);
    const dir = tempDir();
    const json = join(dir, 'summary.json');
    const csv = join(dir, 'run');
    // Paced so that each account is idle most of the time: the outsider's transactions then take
    // nonces the worker is about to use, rather than racing a send already on its way.
    const proc = worker([
      '--endpoint',
      chain.url,
      '--key-file',
      keyFile,
      '--tc',
      'valueTransfer',
      '-u',
      '3',
      '-r',
      '3',
      '-t',
      '7s',
      '--max-rps',
      '30',
      '--rps-mode',
      'smooth',
      '--accounts',
      '3',
      '--account-seed',
      seed,
      '--json',
      json,
      '--csv',
      csv,
    ]);
    await proc.waitForOutput(/all users hatched/, 60_000);
    // The outsider pays ten times the worker's fee, so the worker can never replace it.
    const victim = accounts[0]!;
    const outsiderHashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 700));
      const fees = await readFees(rpc, '1559');
      if (fees.type !== '1559') throw new Error('anvil has a base fee');
      const fee = { type: '1559' as const, maxFeePerGas: fees.maxFeePerGas * 10n, maxPriorityFeePerGas: fees.maxFeePerGas * 5n };
      for (let attempt = 0; ; attempt++) {
        const nonce = await readNonce(rpc, victim.address, 'pending');
        const { raw } = signTransfer(victim.signer, { chainId, nonce, to: accounts[1]!.address, value: 7n, fee });
        try {
          outsiderHashes.push((await rpc.call('eth_sendRawTransaction', [raw])).result as string);
          break;
        } catch (err) {
          // The worker used that nonce first: take the next one, as any wallet would.
          if (attempt > 20) throw err;
        }
      }
    }
    await proc.exited(60_000);
    const summary = readSummary(json);
    const sends = row(summary, 'eth_sendRawTransaction', 'valueTransfer')!;
    const failures = parseCsv(readFileSync(`${csv}_failures.csv`, 'utf8'));
    const sendFailures = failures.filter((f) => f.Method === 'eth_sendRawTransaction');
    for (const f of sendFailures) expect(f.Error).toMatch(/nonce too low|replacement transaction underpriced/);
    const failed = sendFailures.reduce((n, f) => n + Number(f.Occurrences), 0);
    expect(failed).toBe(sends.failures);
    // Each outsider transaction costs the worker at most one failed send before it resyncs,
    // and the run went on sending afterwards (30/s for 7 s).
    expect(sends.failures).toBeGreaterThanOrEqual(1);
    expect(sends.failures).toBeLessThanOrEqual(outsiderHashes.length);
    expect(sends.requests - sends.failures).toBeGreaterThan(120);

    // The chain is the judge: what the worker says was mined is exactly what the chain holds from
    // the test accounts less the outsider's. An accepted transaction the outsider replaced (its
    // fee is higher) is a failure of the mined row that says so.
    const { transactions: t } = summary;
    expect(t.accepted + t.resent).toBe(sends.requests - sends.failures);
    expect(t.accepted).toBe(t.mined + t.dropped + t.unresolved);
    expect(t.unresolved).toBe(0);
    const minedOutsiders = (await Promise.all(outsiderHashes.map((h) => rpc.call('eth_getTransactionReceipt', [h])))).filter((r) => r.result !== null).length;
    const onChain =
      sum(
        await drainedNonces(
          rpc,
          accounts.map((a) => a.address),
        ),
      ) - minedOutsiders;
    expect(t.mined).toBe(onChain);
    const minedRow = row(summary, 'mined', 'valueTransfer')!;
    expect(minedRow.requests - minedRow.failures).toBe(t.mined);
    for (const f of failures.filter((f) => f.Method === 'mined')) expect(f.Error).toBe('replaced: its nonce was mined by another transaction');
    expect(minedRow.failures).toBe(t.dropped);
  });
});

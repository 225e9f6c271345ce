/**
 * nodeSignedTransfer (the Go tools' transferUnsignedTx) through the built CLI: on anvil, which
 * impersonates the accounts; behind a node with the personal API (test/support/personal-api-node.ts,
 * in front of the same anvil) that answers each send only after the block holding it; and on a
 * node that cannot sign, which is refused before anything is funded. What the worker reports
 * is checked against what the chain holds.
 */
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { readBalance, readNonce } from '../../src/chain/account-state.js';
import { deriveNodeSignedAccounts, signerAccount } from '../../src/chain/accounts.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { useDevChain } from '../support/dev-chain-fixture.js';
import { startPersonalApiNode } from '../support/personal-api-node.js';
import { CLI, startProcess } from '../support/processes.js';
import { drainedNonces, expectConserved, readSummary, row, sum, tempDir } from '../support/test-accounts.js';

const RUN_DEADLINE_MS = 90_000;
const NAME = 'nodeSignedTransfer';

const dev = useDevChain();

function nodeSignedAddresses(seed: string, count: number): string[] {
  return deriveNodeSignedAccounts(PrivateKey.parse(dev.chain.richKey, 'test'), seed, count).map((a) => a.address);
}

async function run(endpoint: string, args: readonly string[]) {
  const json = join(tempDir(), 'summary.json');
  const proc = startProcess(process.execPath, [CLI, '--standalone', '--endpoint', endpoint, '--key-file', dev.keyFile, '--json', json, ...args]);
  const code = await proc.exited(RUN_DEADLINE_MS);
  return { code, output: proc.output(), json };
}

/** The highest pending − mined nonce any of `addresses` showed, sampled every 50 ms until `done` settles. */
async function mostInPool(addresses: readonly string[], done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let most = 0;
  while (!finished) {
    for (const address of addresses) {
      const [pending, latest] = await Promise.all([readNonce(dev.rpc, address, 'pending'), readNonce(dev.rpc, address, 'latest')]);
      most = Math.max(most, pending - latest);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return most;
}

describe('nodeSignedTransfer', () => {
  it('-tc transferUnsignedTx -vuunsigned 3 on anvil: zero failures, mined == the chain, and --max-pending bounds each account in the pool', async () => {
    const seed = 'node-signed-anvil';
    const addresses = nodeSignedAddresses(seed, 3);
    const running = run(dev.chain.url, [
      '-tc',
      'transferUnsignedTx',
      '-vuunsigned',
      '3',
      '-u',
      '4',
      '-r',
      '4',
      '-t',
      '4s',
      '--max-pending',
      '2',
      '--account-seed',
      seed,
    ]);
    const most = await mostInPool(addresses, running);
    const { code, output, json } = await running;
    expect(code, output).toBe(0);
    expect(output).toContain('-vuunsigned is --node-signed-accounts in klayworker');
    const summary = readSummary(json);
    expect(summary.total.failures).toBe(0);
    const sent = row(summary, 'eth_sendTransaction', NAME)?.requests ?? 0;
    expect(sent).toBeGreaterThan(10);
    const t = expectConserved(summary);
    expect(t).toMatchObject({ accepted: sent, mined: sent, dropped: 0, unresolved: 0 });
    expect(sum(await drainedNonces(dev.rpc, addresses))).toBe(t.mined);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);

    // `klayworker refund` sweeps them back like the signed test accounts.
    const refund = startProcess(process.execPath, [
      CLI,
      'refund',
      '--endpoint',
      dev.chain.url,
      '--key-file',
      dev.keyFile,
      '-vuunsigned',
      '3',
      '--account-seed',
      seed,
    ]);
    expect(await refund.exited(RUN_DEADLINE_MS), refund.output()).toBe(0);
    const gasPrice = BigInt((await dev.rpc.call('eth_gasPrice', [])).result as string);
    for (const left of await Promise.all(addresses.map((a) => readBalance(dev.rpc, a)))) expect(left).toBeLessThan(21_000n * gasPrice * 2n);
  }, 120_000);

  it('behind the personal API (--rpc-namespace kaia), each send answered after its block: keys imported and unlocked, every transaction counted once as mined', async () => {
    const seed = 'node-signed-personal';
    const addresses = nodeSignedAddresses(seed, 2);
    const node = await startPersonalApiNode(dev.chain.url, { answerDelayMs: 1_500 });
    try {
      const { code, output, json } = await run(node.url, [
        '--tc',
        NAME,
        '--node-signed-accounts',
        '2',
        '--rpc-namespace',
        'kaia',
        '-u',
        '2',
        '-r',
        '2',
        '-t',
        '4s',
        '--account-seed',
        seed,
      ]);
      expect(code, output).toBe(0);
      // Only the node-signed accounts' keys went to the node, never the rich key.
      expect([...node.imported.keys()].sort()).toEqual(addresses.map((a) => a.toLowerCase()).sort());
      expect(node.imported.has(signerAccount(PrivateKey.parse(dev.chain.richKey, 'test')).address.toLowerCase())).toBe(false);
      // Locked again at the end.
      expect(node.unlocked.size).toBe(0);
      const summary = readSummary(json);
      expect(summary.total.failures).toBe(0);
      const sent = row(summary, 'kaia_sendTransaction', NAME)?.requests ?? 0;
      expect(sent).toBe(node.sends.length);
      expect(node.sends.every((s) => s.method === 'kaia_sendTransaction' && s.request.gasPrice !== undefined && s.request.nonce !== undefined)).toBe(true);
      // The case this run is about: blocks held them before the node said their hashes.
      expect(node.sends.filter((s) => s.minedBeforeAnswer).length).toBeGreaterThan(0);
      const t = expectConserved(summary);
      expect(t).toMatchObject({ accepted: sent, mined: sent, dropped: 0, unresolved: 0 });
      expect(sum(await drainedNonces(dev.rpc, addresses))).toBe(t.mined);
    } finally {
      await node.close();
    }
  }, 120_000);

  it('a node that cannot sign is refused in one line before anything is funded', async () => {
    const seed = 'node-signed-refused';
    const addresses = nodeSignedAddresses(seed, 5);
    const rich = signerAccount(PrivateKey.parse(dev.chain.richKey, 'test')).address;
    const node = await startPersonalApiNode(dev.chain.url, { personal: false });
    try {
      const richNonce = await readNonce(dev.rpc, rich, 'pending');
      const { code, output } = await run(node.url, ['--tc', 'transferUnsignedTx', '-u', '1', '-t', '3s', '--account-seed', seed]);
      expect(code, output).toBe(1);
      const refusal = output.split('\n').filter((line) => line.includes('cannot sign'));
      expect(refusal, output).toHaveLength(1);
      expect(refusal[0]).toMatch(/anvil_impersonateAccount.*personal API.*personal_listAccounts/);
      expect(await readNonce(dev.rpc, rich, 'pending')).toBe(richNonce);
      expect(await Promise.all(addresses.map((a) => readBalance(dev.rpc, a)))).toEqual(addresses.map(() => 0n));
      expect(node.methods.filter((m) => m.endsWith('sendRawTransaction') || m.endsWith('sendTransaction'))).toEqual([]);
    } finally {
      await node.close();
    }
  }, 60_000);
});

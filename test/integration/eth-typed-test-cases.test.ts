/**
 * The Ethereum typed-transaction test cases, each run through the built CLI against an anvil
 * of this file's own, then checked against what the chain holds.
 */
import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';

import { loadArtifact } from '../../testcases/contracts/artifacts.js';
import { code, head, runCli, SEND, sentBy, useAnvil } from '../support/cli-on-anvil.js';
import { row } from '../support/test-accounts.js';

useAnvil();

const GENERAL = new Interface(loadArtifact('General').abi);
const REWARD = GENERAL.getFunction('reward')!.selector;

describe('Ethereum typed-transaction test cases, through the CLI on anvil', () => {
  it.each([
    ['ethLegacy', 0],
    ['ethAccessList', 1],
    ['ethDynamicFee', 2],
  ] as const)('%s: zero failures, and every success is a status-1 type-%i transaction the chain holds', async (name, type) => {
    const seed = `mix-${name}`;
    const start = await head();
    const run = await runCli(name, seed);
    expect(run.code, run.output).toBe(0);
    expect(run.summary.total.failures).toBe(0);
    const successes = row(run.summary, SEND, name)?.requests ?? 0;
    expect(successes).toBeGreaterThan(0);

    const sent = await sentBy(seed, start);
    // Users stopped at the end leave their last transactions unconfirmed and uncounted, never the reverse.
    expect(sent.length).toBeGreaterThanOrEqual(successes);
    for (const { tx, receipt } of sent) {
      expect(receipt.status, tx.hash).toBe('0x1');
      expect(Number(tx.type), tx.hash).toBe(type);
      expect(Number(receipt.type), tx.hash).toBe(type);
    }
    const deploys = sent.filter(({ tx }) => tx.to === null);
    const calls = sent.filter(({ tx }) => tx.input.startsWith(REWARD));
    const transfers = sent.filter(({ tx }) => tx.to !== null && tx.input === '0x');
    expect(deploys.length + calls.length + transfers.length).toBe(sent.length);
    expect(deploys.length).toBeGreaterThan(0);
    expect(calls.length).toBeGreaterThan(0);
    expect(transfers.length).toBeGreaterThan(0);
    // Every call went to one General (the one deployed at setup), and every deployment left General's code.
    const targets = new Set(calls.map(({ tx }) => tx.to));
    expect(targets.size).toBe(1);
    const generalCode = await code([...targets][0]!);
    expect(generalCode.length).toBeGreaterThan(2);
    for (const { receipt } of deploys) expect(await code(receipt.contractAddress!)).toBe(generalCode);
    if (type === 1) {
      // anvil has eth_createAccessList: a call carries General's storage keys.
      for (const { tx } of calls) expect(tx.accessList?.[0]?.storageKeys.length ?? 0, tx.hash).toBeGreaterThan(0);
    }
  });
});

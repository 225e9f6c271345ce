/**
 * The contract workloads, each run through the built CLI against an anvil of this file's own,
 * then checked against what the chain holds (erc721Transfer, its ledger and the building
 * blocks: contract-building-blocks.test.ts).
 */
import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';

import { loadArtifact } from '../../testcases/contracts/artifacts.js';
import { MINT_EACH } from '../../testcases/contracts/erc20-transfer.js';
import { ACCOUNTS, anvil, call, code, head, runCli, SEND, sentBy, useAnvil } from '../support/cli-on-anvil.js';
import { accountsOf, row } from '../support/test-accounts.js';

useAnvil();

const WORKLOADS = [
  ['erc20Transfer', new Interface(loadArtifact('TestToken').abi).getFunction('transfer')!.selector],
  ['storageWrite', new Interface(loadArtifact('StorageWrite').abi).getFunction('insertIdentity')!.selector],
  ['cpuHeavy', new Interface(loadArtifact('CpuHeavy').abi).getFunction('sort')!.selector],
  ['largeMemo', new Interface(loadArtifact('LargeMemo').abi).getFunction('setName')!.selector],
  ['userStorage', new Interface(loadArtifact('UserStorage').abi).getFunction('set')!.selector],
] as const;

describe('contract workloads, through the CLI on anvil', () => {
  // A cap keeps the pool small enough to drain in a few blocks (storageWrite is ~750k gas a call).
  it.each(WORKLOADS)('%s: zero failures; the chain holds exactly the accepted calls, all status 1', async (name, selector) => {
    const seed = `workload-${name}`;
    const start = await head();
    const run = await runCli(name, seed, ['--max-rps', '25']);
    expect(run.code, run.output).toBe(0);
    expect(run.summary.total.failures).toBe(0);
    const accepted = row(run.summary, SEND, name)?.requests ?? 0;
    expect(accepted).toBeGreaterThan(0);

    const calls = (await sentBy(seed, start)).filter(({ tx }) => tx.input.startsWith(selector));
    expect(calls.length).toBe(accepted);
    // status 1 throughout: the gas limits from setup suffice.
    for (const { tx, receipt } of calls) expect(receipt.status, tx.hash).toBe('0x1');
    const contracts = new Set(calls.map(({ tx }) => tx.to));
    expect(contracts.size).toBe(1);
    expect((await code([...contracts][0]!)).length).toBeGreaterThan(2);

    if (name === 'erc20Transfer') {
      // Minted to the test accounts and moved only between them: the supply is still all theirs.
      const token = new Interface(loadArtifact('TestToken').abi);
      let held = 0n;
      for (const account of accountsOf(anvil.chain.richKey, seed, ACCOUNTS)) {
        held += BigInt(
          (await call('eth_call', [{ to: [...contracts][0], data: token.encodeFunctionData('balanceOf', [account.address]) }, 'latest'])) as string,
        );
      }
      expect(held).toBe(MINT_EACH * BigInt(ACCOUNTS));
    }
  });
});

/**
 * The rest of the Go load testers' Kaia catalogue, against one scripted Kaia node: the Kaia
 * reads (kaia_getAccount, kaia_getBlockWithConsensusInfoByNumber). Each is recorded under its
 * method and name, asks the node for kaia_chainID first, and follows --rpc-namespace klay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { validateAccount } from '../../testcases/reads/get-account.js';
import { validateConsensusBlock } from '../../testcases/reads/get-block-with-consensus-info.js';
import { type FakeKaiaNode, startFakeKaiaNode } from '../support/fake-kaia-node.js';
import { kaiaAccounts, runOn, tc } from '../support/kaia-harness.js';

let node: FakeKaiaNode;
beforeAll(async () => {
  node = await startFakeKaiaNode({ nonces: true });
});
afterAll(async () => {
  await node?.close();
});

/** The requests `name` made on the node while `run` ran. */
async function requestsDuring<T>(run: () => Promise<T>): Promise<{ result: T; methods: string[]; params: unknown[][] }> {
  const before = node.requests.length;
  const result = await run();
  const made = node.requests.slice(before);
  return { result, methods: made.map((r) => r.method), params: made.map((r) => (r.params ?? []) as unknown[]) };
}

describe('Kaia reads', () => {
  it.for([
    ['eth', 'kaia'],
    ['klay', 'klay'],
  ] as const)('readGetAccount (--rpc-namespace %s) reads test accounts with %s_getAccount, each an EOA', async ([given, used]) => {
    expect(tc('readGetAccount').name).toBe('kaiaGetAccount');
    const { result, methods, params } = await requestsDuring(() => runOn(node, 'readGetAccount', 8, { rpcNamespace: given }));
    expect(result.records).toEqual(Array(8).fill({ ok: true, type: `${used}_getAccount`, name: 'kaiaGetAccount' }));
    // The node was asked whether it speaks Kaia before the accounts were funded.
    expect(methods.indexOf(`${used}_chainID`)).toBeGreaterThanOrEqual(0);
    expect(methods.indexOf(`${used}_chainID`)).toBeLessThan(methods.indexOf('eth_getBalance'));
    const read = params.filter((_, i) => methods[i] === `${used}_getAccount`);
    expect(read).toHaveLength(8);
    for (const [address, block] of read) {
      expect(kaiaAccounts.map((a) => a.address)).toContain(address);
      expect(block).toBe('latest');
    }
  });

  it.for([
    ['eth', 'kaia'],
    ['klay', 'klay'],
  ] as const)(
    'readGetBlockWithConsensusInfoByNumber (--rpc-namespace %s) reads blocks up to the head with %s_, each with its committee',
    async ([given, used]) => {
      expect(tc('readGetBlockWithConsensusInfoByNumber').name).toBe('kaiaGetBlockWithConsensusInfoByNumber');
      const { result, methods, params } = await requestsDuring(() => runOn(node, 'readGetBlockWithConsensusInfoByNumber', 20, { rpcNamespace: given }));
      expect(result.records).toEqual(
        Array(20).fill({ ok: true, type: `${used}_getBlockWithConsensusInfoByNumber`, name: 'kaiaGetBlockWithConsensusInfoByNumber' }),
      );
      expect(methods[0]).toBe(`${used}_chainID`);
      // A read needs no funded account.
      expect(methods).not.toContain('eth_getBalance');
      expect(methods).toContain(`${used}_blockNumber`);
      const numbers = params.filter((_, i) => methods[i] === `${used}_getBlockWithConsensusInfoByNumber`).map(([n]) => Number(n));
      expect(numbers).toHaveLength(20);
      expect(new Set(numbers).size).toBeGreaterThan(1);
      // Random blocks up to the head, genesis included.
      const rpc = new JsonRpcClient(node.url);
      const head = Number((await rpc.call('eth_blockNumber', [])).result);
      await rpc.close();
      for (const n of numbers) expect(n).toBeLessThanOrEqual(head);
    },
  );

  it('a missing account, a contract, a block without consensus information and another block are failures, each in one line', () => {
    const m = 'kaia_getAccount';
    expect(validateAccount(m, null)).toBe('kaia_getAccount: no such account (null result)');
    expect(validateAccount(m, { accType: 2, account: {} })).toBe('kaia_getAccount: not an externally owned account (accType 2)');
    expect(validateAccount(m, { nonce: 1 })).toMatch(/^invalid kaia_getAccount result: not an account with accType: /);
    expect(validateAccount(m, { accType: 1, account: { nonce: 0 } })).toBeUndefined();
    const b = 'kaia_getBlockWithConsensusInfoByNumber';
    expect(validateConsensusBlock(b, { number: '0x5', committee: [] }, 5)).toBeUndefined();
    expect(validateConsensusBlock(b, { number: '0x0', committee: null }, 0)).toBeUndefined();
    expect(validateConsensusBlock(b, { number: '0x5' }, 5)).toBe(`invalid ${b} result: a block without consensus information (no "committee")`);
    expect(validateConsensusBlock(b, { number: '0x6', committee: [] }, 5)).toBe(`${b} returned a different block than the one asked for`);
  });
});

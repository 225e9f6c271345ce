import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { readNonce } from '../../src/chain/account-state.js';
import { deriveTestAccounts, signerAccount } from '../../src/chain/accounts.js';
import { type ChainContext, loadChainContext } from '../../src/chain/chain-context.js';
import { fundAccounts, fundingCost, FundingError, planTopUps } from '../../src/chain/funding.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { balances } from '../support/test-accounts.js';

const ETH = 10n ** 18n;
const silent = pino({ level: 'silent' });

describe('planTopUps and fundingCost', () => {
  it('tops up only accounts below half the charge, to the charge', () => {
    expect(planTopUps([0n, 49n, 50n, 99n, 100n, 250n], 100n)).toEqual([100n, 51n, 0n, 0n, 0n, 0n]);
  });

  it('adds one transfer of gas at the highest price per funded account', () => {
    const cost = fundingCost([100n, 0n, 51n], { type: '1559', maxFeePerGas: 7n, maxPriorityFeePerGas: 1n });
    expect(cost).toEqual({ count: 2, valueWei: 151n, gasWei: 2n * 21_000n * 7n, totalWei: 151n + 2n * 21_000n * 7n });
    expect(fundingCost([5n], { type: 'legacy', gasPrice: 3n }).gasWei).toBe(63_000n);
  });
});

describe('fundAccounts on anvil', () => {
  let chain: DevChain;
  let rpc: JsonRpcClient;
  let context: ChainContext;
  let richKey: PrivateKey;
  beforeAll(async () => {
    chain = await startDevChain({ blockTime: 1 });
    rpc = new JsonRpcClient(chain.url, { timeoutMs: 10_000 });
    context = await loadChainContext(rpc, { txType: 'auto', log: silent });
    richKey = PrivateKey.parse(chain.richKey, 'test');
  });
  afterAll(async () => {
    await rpc?.close();
    await chain?.stop();
  });

  it('three funders sharing one rich key at the same moment fund every account exactly once', async () => {
    const rich = signerAccount(richKey);
    const sets = ['f1', 'f2', 'f3'].map((seed) => deriveTestAccounts(richKey, seed, 25));
    const richNonceBefore = await readNonce(rpc, rich.address, 'latest');
    // Same process, same moment: all three read the same pending nonce and collide.
    const reports = await Promise.all(
      sets.map((accounts) => fundAccounts({ rpc, log: silent, chain: context, rich, accounts, chargeWei: ETH, stallTimeoutMs: 30_000 })),
    );
    for (const [i, accounts] of sets.entries()) {
      expect(
        await balances(
          rpc,
          accounts.map((a) => a.address),
        ),
      ).toEqual(accounts.map(() => ETH));
      expect(reports[i]).toMatchObject({ funded: 25, sentWei: 25n * ETH });
    }
    expect(Math.max(...reports.map((r) => r.rounds))).toBeGreaterThan(1);
    expect((await readNonce(rpc, rich.address, 'latest')) - richNonceBefore).toBe(75);
    // Funded accounts are not funded again.
    const again = await fundAccounts({ rpc, log: silent, chain: context, rich, accounts: sets[0]!, chargeWei: ETH, stallTimeoutMs: 30_000 });
    expect(again).toEqual({ funded: 0, sentWei: 0n, rounds: 0 });
    expect((await readNonce(rpc, rich.address, 'pending')) - richNonceBefore).toBe(75);
  });

  it('refuses before sending anything when the rich account cannot pay, naming the numbers', async () => {
    const poorKey = PrivateKey.parse(`0x${'42'.repeat(32)}`, 'test');
    const poor = signerAccount(poorKey);
    await rpc.call('anvil_setBalance', [poor.address, `0x${(ETH / 2n).toString(16)}`]);
    const accounts = deriveTestAccounts(poorKey, 'poor', 3);
    const err = await fundAccounts({ rpc, log: silent, chain: context, rich: poor, accounts, chargeWei: ETH, stallTimeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FundingError);
    const message = (err as Error).message;
    const m = message.match(
      /^rich account (0x\w+) holds 0\.5 \(500000000000000000 wei\) but funding 3 of 3 test accounts needs [\d.]+ \((\d+) wei\): 3\.0 \(3000000000000000000 wei\) of top-ups .* \(3 × 21000 gas × (\d+) wei\)/,
    );
    expect(m, message).not.toBeNull();
    expect(m![1]).toBe(poor.address);
    // The total is exactly the top-ups plus one transfer's gas each at the quoted price.
    expect(BigInt(m![2]!)).toBe(3n * ETH + 3n * 21_000n * BigInt(m![3]!));
    expect(message).toContain('lower --accounts or --charge');
    expect(await readNonce(rpc, poor.address, 'pending')).toBe(0);
  });
});

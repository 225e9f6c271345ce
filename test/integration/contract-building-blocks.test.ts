/**
 * erc721Transfer through the CLI on anvil, its ledger checked against ownerOf after an
 * in-process run, and what the contract test cases are built from (held lease, ledger, gas
 * limits, encodings) on their own.
 */
import { getAddress, Interface, Transaction, Wallet } from 'ethers';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { createContractDeployer, createTransactionSender } from '../../src/chain/deploy.js';
import { gasLimitWithMargin } from '../../src/chain/gas-limit.js';
import { holdLease } from '../../src/chain/held-lease.js';
import { InclusionTracker } from '../../src/chain/inclusion/inclusion-tracker.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { NonceManager } from '../../src/chain/nonce-manager.js';
import type { Receipt } from '../../src/chain/receipt-wait.js';
import { accessListGas, rawForNamespace, signEthTx } from '../../src/chain/signing/eth-tx.js';
import { createTxSession } from '../../src/chain/tx-session.js';
import type { User } from '../../src/runner/task.js';
import type { Recorder } from '../../src/stats/recorder.js';
import { loadArtifact } from '../../testcases/contracts/artifacts.js';
import { prepareErc721, TOKENS_EACH, transferOutcome } from '../../testcases/contracts/erc721-transfer.js';
import { NftLedger } from '../../testcases/contracts/nft-ledger.js';
import { chunks } from '../../testcases/contracts/token-minter.js';
import { checkMixReceipt } from '../../testcases/eth-typed/eth-typed-mix.js';
import { anvil, call, head, runCli, SEND, sentBy, useAnvil } from '../support/cli-on-anvil.js';
import { eventually } from '../support/processes.js';
import { accountsOf, row } from '../support/test-accounts.js';

const silent = pino({ level: 'silent' });

useAnvil();

describe('erc721Transfer', () => {
  it('erc721Transfer: zero failures, and every success is a status-1 transferFrom the chain holds', async () => {
    const seed = 'workload-erc721';
    const start = await head();
    const run = await runCli('erc721Transfer', seed);
    expect(run.code, run.output).toBe(0);
    expect(run.summary.total.failures).toBe(0);
    const successes = row(run.summary, SEND, 'erc721Transfer')?.requests ?? 0;
    expect(successes).toBeGreaterThan(0);
    const selector = new Interface(loadArtifact('TestNft').abi).getFunction('transferFrom')!.selector;
    const transfers = (await sentBy(seed, start)).filter(({ tx }) => tx.input.startsWith(selector));
    expect(transfers.length).toBeGreaterThanOrEqual(successes);
    for (const { tx, receipt } of transfers) expect(receipt.status, tx.hash).toBe('0x1');
  });

  it('its ledger: after a run with six users, every id the ledger holds is owned on chain by whom it says', async () => {
    const accounts = 8;
    const settings = {
      txType: 'auto',
      rpcNamespace: 'eth',
      accounts,
      accountSeed: 'ledger',
      chargeWei: 10n ** 18n,
      receiptTimeoutMs: 30_000,
      maxPending: 16,
    } as const;
    const tracker = new InclusionTracker({
      rpc: anvil.rpc,
      namespace: 'eth',
      log: silent,
      recorder: { success: () => undefined, successes: () => undefined, failure: () => undefined },
      receiptTimeoutMs: 30_000,
    });
    const { chain, rpc } = anvil;
    const tx = createTxSession({
      rpc,
      log: silent,
      endpoint: chain.url,
      connectTimeoutMs: 10_000,
      settings,
      richKey: PrivateKey.parse(chain.richKey, 'test'),
      tracker,
    });
    const contracts = createContractDeployer({ sender: createTransactionSender({ rpc, signer: new Wallet(chain.richKey).signingKey }), log: silent });
    const prepared = await prepareErc721({ rpc, endpoint: chain.url, log: silent, namespace: 'eth', tx, contracts });
    const { ledger } = prepared;
    expect(ledger.size).toBe(accounts * TOKENS_EACH);

    let successes = 0;
    const failures: string[] = [];
    const recorder: Recorder = { success: () => successes++, failure: (_t, _n, _ms, error) => failures.push(error) };
    const users = Array.from({ length: 6 }, (_, id) => ({ id, controller: new AbortController() }));
    const loops = users.map(async ({ id, controller }) => {
      const user: User = { id, recorder, signal: controller.signal };
      while (!controller.signal.aborted) await prepared.run(user);
    });
    await eventually(() => (successes >= 20 ? true : undefined), 60_000, '20 confirmed transfers');
    for (const u of users) u.controller.abort();
    await Promise.all(loops);
    // Stopped users record nothing more, but their transfers still settle in the ledger.
    await eventually(() => (ledger.inFlight === 0 ? true : undefined), 30_000, 'the transfers in flight to settle');
    await prepared.teardown?.();
    await tracker.close();

    expect(failures).toEqual([]);
    expect(ledger.lost).toEqual([]);
    const nft = new Interface(loadArtifact('TestNft').abi);
    const holdings = ledger.holdings();
    let counted = 0;
    let moved = 0;
    const minted = accountsOf(chain.richKey, 'ledger', accounts).map((a) => a.address);
    for (const [owner, ids] of holdings) {
      for (const id of ids) {
        const result = (await call('eth_call', [{ to: prepared.contract, data: nft.encodeFunctionData('ownerOf', [id]) }, 'latest'])) as string;
        expect(getAddress(`0x${result.slice(-40)}`), `owner of ${id}`).toBe(owner);
        // Ids were minted in account order, TOKENS_EACH at a time, from 1.
        if (minted[Math.floor(Number(id - 1n) / TOKENS_EACH)] !== owner) moved++;
        counted++;
      }
    }
    expect(counted).toBe(accounts * TOKENS_EACH);
    expect(moved).toBeGreaterThan(0);
  });
});

describe('building blocks', () => {
  it('a held lease keeps its account until settled, then releases it with what the sender reported', async () => {
    const accounts = [{ address: '0x0000000000000000000000000000000000000001' }];
    const manager = new NonceManager(accounts, () => Promise.resolve(7));
    const real = (await manager.lease())!;
    const held = holdLease(real);
    expect(await held.lease.nonce()).toBe(7);
    held.lease.release('sent');
    expect(manager.freeCount).toBe(0);
    held.settle();
    expect(manager.freeCount).toBe(1);
    expect(await (await manager.lease())!.nonce()).toBe(8);
  });

  it('the NFT ledger moves an id on a mined transfer, returns it on a refusal or revert, and sets it aside when unknown', async () => {
    const [a, b] = ['0x00000000000000000000000000000000000000aa', '0x00000000000000000000000000000000000000bb'].map((x) => getAddress(x));
    const ledger = new NftLedger();
    for (const id of [1n, 2n, 3n]) ledger.add(a!, id);
    expect(() => ledger.add(b!, 2n)).toThrow('token 2 is already in the ledger');
    expect(ledger.take(b!)).toBeUndefined();

    const moved = ledger.take(a!)!;
    expect(moved).toBe(3n);
    expect(ledger.inFlight).toBe(1);
    const changed = ledger.changed();
    ledger.settle(moved, b!, transferOutcome({ kind: 'mined', receipt: {} as Receipt, executed: true }));
    await changed;
    const reverted = ledger.take(a!)!;
    ledger.settle(reverted, b!, transferOutcome({ kind: 'mined', receipt: {} as Receipt, executed: false }));
    const refused = ledger.take(a!)!;
    expect(refused).toBe(reverted);
    ledger.settle(refused, b!, transferOutcome({ kind: 'refused' }));
    const unknown = ledger.take(b!)!;
    expect(unknown).toBe(3n);
    ledger.settle(unknown, a!, transferOutcome({ kind: 'unknown' }));
    expect(() => ledger.settle(unknown, a!, 'moved')).toThrow('token 3 is not in flight');

    expect(ledger.lost).toEqual([3n]);
    expect(ledger.holdings()).toEqual(
      new Map([
        [a!, [1n, 2n]],
        [b!, []],
      ]),
    );
    expect(ledger.size).toBe(3);
    expect(ledger.inFlight).toBe(0);
  });

  it('gas limits: the estimate plus 50 %, never above the block gas limit', () => {
    expect(gasLimitWithMargin(100_000n, 30_000_000n)).toBe(150_000n);
    expect(gasLimitWithMargin(100_001n, 30_000_000n)).toBe(150_002n);
    expect(gasLimitWithMargin(25_000_000n, 30_000_000n)).toBe(30_000_000n);
    expect(() => gasLimitWithMargin(30_000_001n, 30_000_000n)).toThrow('needs 30000001 gas, more than the block gas limit of 30000000');
  });

  it("typed transactions sent through kaia_/klay_ carry Kaia's 0x78 envelope; legacy ones and eth_ sends do not", () => {
    const signer = new Wallet('0x' + '11'.repeat(32)).signingKey;
    const base = {
      chainId: 1n,
      nonce: 0,
      to: null,
      data: '0x',
      value: 0n,
      gasLimit: 60_000n,
      fee: { type: '1559', maxFeePerGas: 10n, maxPriorityFeePerGas: 1n },
    } as const;
    const typed = signEthTx(signer, { ...base, type: 2 });
    expect(typed.raw.slice(0, 4)).toBe('0x02');
    expect(rawForNamespace(typed, 'eth')).toEqual(typed);
    expect(rawForNamespace(typed, 'kaia')).toEqual({ raw: `0x78${typed.raw.slice(2)}`, hash: typed.hash });
    const legacy = signEthTx(signer, { ...base, type: 0 });
    expect(rawForNamespace(legacy, 'klay')).toEqual(legacy);
    // Types 0 and 1 pay the fee cap as their gas price; type 2 takes a legacy price as cap and tip.
    expect(Transaction.from(legacy.raw).gasPrice).toBe(10n);
    expect(Transaction.from(signEthTx(signer, { ...base, type: 1 }).raw).gasPrice).toBe(10n);
    const fromLegacyPrice = Transaction.from(signEthTx(signer, { ...base, type: 2, fee: { type: 'legacy', gasPrice: 9n } }).raw);
    expect([fromLegacyPrice.maxFeePerGas, fromLegacyPrice.maxPriorityFeePerGas]).toEqual([9n, 9n]);
    expect(accessListGas([{ address: '0x' + '00'.repeat(20), storageKeys: ['0x' + '00'.repeat(32), '0x' + '01'.padStart(64, '0')] }])).toBe(
      2_400n + 2n * 1_900n,
    );
  });

  it('a mined mix transaction must match its type, its deployment address and its target', () => {
    const receipt = (fields: Record<string, unknown>) => ({ blockNumber: '0x1', gasUsed: '0x1', transactionHash: '0x1', status: '0x1', ...fields }) as Receipt;
    const general = '0x00000000000000000000000000000000000000Aa';
    expect(checkMixReceipt(receipt({ type: '0x1', to: general.toLowerCase() }), { type: 1, kind: 'call', to: general, created: null })).toBeUndefined();
    expect(checkMixReceipt(receipt({ type: '0x2', to: general }), { type: 1, kind: 'call', to: general, created: null })).toBe(
      'receipt type 0x2, expected 0x1',
    );
    expect(
      checkMixReceipt(receipt({ type: '0x0', to: '0x00000000000000000000000000000000000000bb' }), { type: 0, kind: 'call', to: general, created: null }),
    ).toBe('receipt "to" is not General');
    expect(checkMixReceipt(receipt({ type: '0x2', contractAddress: null }), { type: 2, kind: 'deploy', to: null, created: general })).toBe(
      'deployment receipt without a contractAddress',
    );
    expect(
      checkMixReceipt(receipt({ type: '0x2', contractAddress: '0x00000000000000000000000000000000000000cc' }), {
        type: 2,
        kind: 'deploy',
        to: null,
        created: general,
      }),
    ).toBe('contract created at another address than sender and nonce give');
    expect(
      checkMixReceipt(receipt({ type: '0x0', to: general }), { type: 0, kind: 'transfer', to: '0x00000000000000000000000000000000000000bb', created: null }),
    ).toBe('receipt "to" is not the recipient');
    // Kaia's kaia_getTransactionReceipt names the type and numbers it 0x7800 + the Ethereum type.
    expect(
      checkMixReceipt(receipt({ type: 'TxTypeEthereumAccessList', typeInt: 0x7801, to: general }), { type: 1, kind: 'call', to: general, created: null }),
    ).toBeUndefined();
    expect(checkMixReceipt(receipt({ type: 'TxTypeLegacyTransaction', typeInt: 0, to: general }), { type: 2, kind: 'call', to: general, created: null })).toBe(
      'receipt typeInt 0, expected 30722',
    );
  });

  it('mint batches keep every account, in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
    expect(() => chunks([1], 0)).toThrow(RangeError);
  });
});

/**
 * The rest of the Go load testers' Kaia catalogue, against one scripted Kaia node that keeps
 * nonces as a node does: the Kaia reads (kaia_getAccount,
 * kaia_getBlockWithConsensusInfoByNumber), recorded under their method and name, asking for
 * kaia_chainID first and following --rpc-namespace klay; and the test cases that send more
 * than one transaction an iteration, settled by the chain-truth tracker: what it counts mined
 * is what the node's blocks hold.
 */
import { computeAddress, Interface, keccak256, MaxUint256, SigningKey, Transaction } from 'ethers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { AUCTIONEER_KEY_ENV } from '../../src/chain/kaia/auction-probe.js';
import { KaiaFeatureMissingError } from '../../src/chain/kaia/node-probe.js';
import { KEY_ENV } from '../../src/chain/keys.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { loadArtifact } from '../../testcases/contracts/artifacts.js';
import { validateBidResult } from '../../testcases/kaia/auction.js';
import { validateAccount } from '../../testcases/reads/get-account.js';
import { validateConsensusBlock } from '../../testcases/reads/get-block-with-consensus-info.js';
import {
  FAKE_GSR,
  FAKE_MIN_DEPOSIT,
  FAKE_TOKEN,
  FAKE_TOKENS_PER_KEI,
  type FakeAuction,
  type FakeGasless,
  installFakeAuction,
  installFakeGasless,
} from '../support/fake-kaia-modules.js';
import { FAKE_CHAIN_ID, FAKE_KAIA_GAS_PRICE, FAKE_START_NONCE, type FakeKaiaNode, startFakeKaiaNode } from '../support/fake-kaia-node.js';
import { GENERAL, harness, KAIA_ACCOUNTS, KAIA_RICH, kaiaAccounts, type LooseSettings, recordingUser, runOn, setupError, tc } from '../support/kaia-harness.js';
import { decodeKaiaTx } from '../support/kaia-tx-decode.js';
import { kip247Violations } from '../support/kip247-rules.js';
import { CLI, eventually, startProcess } from '../support/processes.js';
import { accountsOf } from '../support/test-accounts.js';

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

/**
 * Sets up each of `names` (with `seed`'s accounts) and hands its error to `check`; then checks
 * that nothing was funded, nonce-read or sent meanwhile: every refusal came before funding.
 */
async function expectRefusedBeforeFunding(names: readonly string[], seed: string, check: (err: Error, name: string) => void): Promise<void> {
  const before = node.requests.length;
  for (const name of names) {
    const h = harness(node.url, {}, { seed });
    try {
      const err = await setupError(tc(name).setup(h.ctx));
      expect(err).toBeInstanceOf(KaiaFeatureMissingError);
      check(err, name);
    } finally {
      await h.close();
    }
  }
  expect(node.requests.slice(before).filter((r) => /getBalance|getTransactionCount|sendRawTransaction/.test(r.method))).toEqual([]);
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

/**
 * Runs `name` for `iterations` with the node's mining set to `mining`, then lets the node mine
 * and waits for the tracker to settle everything. Returns what was recorded, sent and mined.
 */
async function settledRun(name: string, iterations: number, mining: FakeKaiaNode['mining'], settings: LooseSettings = {}) {
  const sentBefore = node.sent().length;
  const minedBefore = node.mined().length;
  const seed = `${name}-${mining}`;
  const h = harness(node.url, settings, { seed });
  let seen = -1;
  h.tracker.onBlock((block) => (seen = block.number));
  try {
    const prepared = await tc(name).setup(h.ctx);
    const { user, records } = recordingUser();
    node.mining = mining;
    // Reads mined blocks until now (the tracker's polls among them): the run starts once the
    // tracker has seen the last, as it would have within a poll on a chain that waits.
    if (mining === 'held') await eventually(() => (seen >= node.head() ? true : undefined), 10_000, `the tracker to see block ${node.head()}`, 20);
    try {
      for (let i = 0; i < iterations; i++) await prepared.run(user);
    } finally {
      node.mining = 'on-read';
    }
    await h.tracker.drain(10_000);
    await prepared.teardown?.();
    const accounts = accountsOf(KAIA_RICH, seed, KAIA_ACCOUNTS).map((a) => a.address);
    return { accounts, records, counts: h.tracker.counts(), minedRows: h.mined, sent: node.sent().slice(sentBefore), mined: node.mined().slice(minedBefore) };
  } finally {
    await h.close();
  }
}

describe('kaiaValueTransferWithCancel (newValueTransferWithCancelTC)', () => {
  it('sends a ValueTransfer and a Cancel at its nonce; the Cancel replaces it, and each pair is one transaction mined once', async () => {
    expect(tc('newValueTransferWithCancelTC').name).toBe('kaiaValueTransferWithCancel');
    // Blocks wait until both of every pair are in the pool, as they would with a block time.
    const run = await settledRun('kaiaValueTransferWithCancel', 6, 'held');
    expect(run.records).toEqual(Array(12).fill({ ok: true, type: 'kaia_sendRawTransaction', name: 'kaiaValueTransferWithCancel' }));
    const txs = run.sent.map(decodeKaiaTx);
    expect(txs.map((t) => t.fields.type)).toEqual(Array(6).fill([0x08, 0x38]).flat());
    for (let i = 0; i < txs.length; i += 2) {
      const [transfer, cancel] = [txs[i]!, txs[i + 1]!];
      expect(cancel.fields.from).toBe(transfer.fields.from);
      expect(cancel.fields.nonce).toBe(transfer.fields.nonce);
      expect(cancel.signer).toBe(cancel.fields.from);
      expect(cancel.fields).toMatchObject({ gas: 21_000n, gasPrice: FAKE_KAIA_GAS_PRICE });
      expect(run.accounts).toContain(transfer.fields.to);
      expect(run.accounts).toContain(transfer.fields.from);
    }
    // One transaction per pair: accepted == mined, the Cancel counted as the transfer's re-send.
    expect(run.counts).toEqual({ accepted: 6, mined: 6, dropped: 0, unresolved: 0, resent: 6 });
    // What the chain holds is the six Cancels, and no transfer.
    expect(run.mined).toEqual(run.sent.filter((raw) => raw.startsWith('0x38')).map(keccak256));
    expect(run.minedRows).toEqual(Array(6).fill({ ok: true, name: 'kaiaValueTransferWithCancel' }));
  });

  it('a Cancel that arrives after its transfer was mined is refused as a failed send; the transfer is the pair’s mined transaction', async () => {
    // A node that mines each transaction as it comes (like anvil's automine).
    const run = await settledRun('kaiaValueTransferWithCancel', 3, 'each-send');
    expect(run.records).toEqual(
      Array(3)
        .fill([
          { ok: true, type: 'kaia_sendRawTransaction', name: 'kaiaValueTransferWithCancel' },
          { ok: false, type: 'kaia_sendRawTransaction', name: 'kaiaValueTransferWithCancel', error: 'JSON-RPC error -32000: nonce too low' },
        ])
        .flat(),
    );
    expect(run.counts).toEqual({ accepted: 3, mined: 3, dropped: 0, unresolved: 0, resent: 0 });
    expect(run.mined).toEqual(run.sent.filter((raw) => raw.startsWith('0x08')).map(keccak256));
    expect(run.minedRows).toEqual(Array(3).fill({ ok: true, name: 'kaiaValueTransferWithCancel' }));
  });
});

describe('kaiaAccountCreation (newAccountCreationTC)', () => {
  it('a node that does not decode 0x18 (every Kaia build) is refused in one line, before any account is read, funded or sent from', async () => {
    expect(tc('newAccountCreationTC').name).toBe('kaiaAccountCreation');
    const before = node.requests.length;
    await expectRefusedBeforeFunding(['kaiaAccountCreation'], 'account-creation-refused', (err) => {
      expect(err.message).toBe(
        'kaiaAccountCreation: the node does not take AccountCreation (0x18) transactions (kaia_recoverFromTransaction: JSON-RPC error -32000: undefined tx type); kaiachain/kaia leaves the type out of every network',
      );
    });
    expect(node.requests.slice(before).map((r) => r.method)).toContain('kaia_recoverFromTransaction');
  });

  it('through the CLI, the Go name ends the worker with that line and exit code 1, having sent nothing', async () => {
    const before = node.requests.length;
    const cli = startProcess(process.execPath, [CLI, '--standalone', '-t', '2s', '--tc', 'newAccountCreationTC', '--endpoint', node.url], {
      env: { [KEY_ENV]: KAIA_RICH },
    });
    expect(await cli.exited(20_000)).toBe(1);
    const errors = cli
      .output()
      .split('\n')
      .filter((line) => line.includes('ERROR'));
    expect(errors).toEqual([
      expect.stringMatching(
        /ERROR: kaiaAccountCreation: the node does not take AccountCreation \(0x18\) transactions \(.*\); kaiachain\/kaia leaves the type out of every network$/,
      ),
    ]);
    expect(node.requests.slice(before).filter((r) => r.method.endsWith('_sendRawTransaction'))).toEqual([]);
  });

  it('on a node that takes 0x18, creates random accounts with public keys, and what is mined is what the node holds', async () => {
    node.accountCreation = true;
    try {
      const run = await settledRun('kaiaAccountCreation', 4, 'on-read');
      expect(run.records).toEqual(Array(4).fill({ ok: true, type: 'kaia_sendRawTransaction', name: 'kaiaAccountCreation' }));
      const txs = run.sent.map(decodeKaiaTx);
      expect(txs).toHaveLength(4);
      for (const tx of txs) {
        expect(tx.fields).toMatchObject({ type: 0x18, gas: 41_000n, gasPrice: FAKE_KAIA_GAS_PRICE, humanReadable: false });
        expect(tx.signer).toBe(tx.fields.from);
        expect(run.accounts).toContain(tx.fields.from);
        expect(run.accounts).not.toContain(tx.fields.to);
        // AccountKeyPublic: 0x02, then the RLP of a 33-byte compressed key.
        expect(tx.fields.key).toMatch(/^0x02a10[23][0-9a-f]{64}$/);
        expect(tx.fields.value).toBeGreaterThanOrEqual(1n);
        expect(tx.fields.value).toBeLessThanOrEqual(1000n);
      }
      expect(new Set(txs.map((t) => t.fields.to)).size).toBe(4);
      expect(run.counts).toEqual({ accepted: 4, mined: 4, dropped: 0, unresolved: 0, resent: 0 });
      expect(run.mined).toEqual(run.sent.map(keccak256));
      expect(run.minedRows).toEqual(Array(4).fill({ ok: true, name: 'kaiaAccountCreation' }));
    } finally {
      node.accountCreation = false;
    }
  });
});

describe('the KIP-247 gasless test cases', () => {
  const NAMES = ['kaiaGaslessTransaction', 'kaiaGaslessRevertTransaction', 'kaiaGaslessOnlyApprove'] as const;
  const SWAP = new Interface(['function swapForGas(address token, uint256 amountIn, uint256 minAmountOut, uint256 amountRepay, uint256 deadline)']);
  let gasless: FakeGasless;
  beforeAll(() => {
    gasless = installFakeGasless(node);
  });

  it.for([
    [
      null,
      "debug_gaslessInfo: JSON-RPC error -32601: the method debug_gaslessInfo does not exist/is not available (it needs Kaia v2's gasless module and the debug API)",
    ],
    [{ isDisabled: true }, 'debug_gaslessInfo says the module is disabled'],
    [{ swapRouter: '0x0000000000000000000000000000000000000000' }, 'debug_gaslessInfo names no GaslessSwapRouter (none registered in the KIP-149 registry)'],
    [{ allowedTokens: [] as string[] }, 'debug_gaslessInfo lists no token the GaslessSwapRouter swaps'],
  ] as const)('a node whose gasless info is %j is refused in one line naming what is missing, before anything is funded', async ([change, what]) => {
    const info = gasless.info;
    gasless.info = change === null ? null : { ...info!, ...change };
    try {
      await expectRefusedBeforeFunding(NAMES, 'gasless-refused', (err, name) => {
        expect(err.message).toBe(`${name}: the node cannot run KIP-247 gasless transactions: ${what}`);
      });
    } finally {
      gasless.info = info;
    }
  });

  /** The sent pairs, in order: [approve, swap] per iteration. */
  function pairs(sent: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < sent.length; i += 2) out.push([sent[i]!, sent[i + 1]!]);
    return out;
  }

  it('kaiaGaslessTransaction buys each account its tokens, then sends approve and swap pairs the KIP-247 rules take as gasless; both of each are mined', async () => {
    expect(tc('gaslessTransactionTC').name).toBe('kaiaGaslessTransaction');
    const buysBefore = node.requests.filter((r) => r.method === 'eth_sendRawTransaction').length;
    // Blocks wait, so every approve is still at its account's mined nonce when checked.
    const run = await settledRun('kaiaGaslessTransaction', KAIA_ACCOUNTS, 'held', { maxPending: 1 });
    const buys = node.requests.filter((r) => r.method === 'eth_sendRawTransaction').slice(buysBefore);
    expect(buys).toHaveLength(KAIA_ACCOUNTS);
    expect(run.records).toEqual(Array(2 * KAIA_ACCOUNTS).fill({ ok: true, type: 'kaia_sendRawTransaction', name: 'kaiaGaslessTransaction' }));
    const now = BigInt(Math.floor(Date.now() / 1000));
    const senders = new Set<string>();
    for (const [approve, swap] of pairs(run.sent)) {
      const from = Transaction.from(approve).from!;
      senders.add(from);
      expect(run.accounts).toContain(from);
      // Each account's purchase was mined at its first nonce: the approve is at the next.
      expect(kip247Violations(approve, swap, { swapRouter: FAKE_GSR, allowedTokens: [FAKE_TOKEN], stateNonce: FAKE_START_NONCE + 1, now })).toEqual([]);
      const [, amountIn, minAmountOut] = SWAP.decodeFunctionData('swapForGas', Transaction.from(swap).data) as unknown as bigint[];
      // The router's price for the repayment, plus the 20 % margin; the account holds enough for it.
      expect(amountIn).toBe((minAmountOut! * FAKE_TOKENS_PER_KEI * 120n + 99n) / 100n);
      expect(gasless.balances.get(from.toLowerCase())).toBeGreaterThanOrEqual(amountIn!);
    }
    expect(senders.size).toBe(KAIA_ACCOUNTS);
    expect(run.counts).toEqual({ accepted: 2 * KAIA_ACCOUNTS, mined: 2 * KAIA_ACCOUNTS, dropped: 0, unresolved: 0, resent: 0 });
    expect(run.mined).toEqual(expect.arrayContaining(run.sent.map(keccak256)));
  });

  it('kaiaGaslessRevertTransaction sends the same pairs, offering more tokens than exist, and buys nothing', async () => {
    expect(tc('gaslessRevertTransactionTC').name).toBe('kaiaGaslessRevertTransaction');
    const buysBefore = node.requests.filter((r) => r.method === 'eth_sendRawTransaction').length;
    const run = await settledRun('kaiaGaslessRevertTransaction', KAIA_ACCOUNTS, 'held', { maxPending: 1 });
    expect(node.requests.filter((r) => r.method === 'eth_sendRawTransaction').length).toBe(buysBefore);
    expect(run.records.every((r) => r.ok)).toBe(true);
    const now = BigInt(Math.floor(Date.now() / 1000));
    for (const [approve, swap] of pairs(run.sent)) {
      expect(kip247Violations(approve, swap, { swapRouter: FAKE_GSR, allowedTokens: [FAKE_TOKEN], stateNonce: FAKE_START_NONCE, now })).toEqual([]);
      expect(SWAP.decodeFunctionData('swapForGas', Transaction.from(swap).data)[1]).toBe(MaxUint256);
    }
    expect(run.counts).toEqual({ accepted: 2 * KAIA_ACCOUNTS, mined: 2 * KAIA_ACCOUNTS, dropped: 0, unresolved: 0, resent: 0 });
  });

  it('kaiaGaslessOnlyApprove sends the approve alone, followed by the tracker like any transaction', async () => {
    expect(tc('gaslessOnlyApproveTC').name).toBe('kaiaGaslessOnlyApprove');
    const run = await settledRun('kaiaGaslessOnlyApprove', 4, 'on-read');
    expect(run.records).toEqual(Array(4).fill({ ok: true, type: 'kaia_sendRawTransaction', name: 'kaiaGaslessOnlyApprove' }));
    for (const raw of run.sent) {
      const tx = Transaction.from(raw);
      expect(tx).toMatchObject({ type: 0, to: FAKE_TOKEN, gasLimit: 100_000n, gasPrice: FAKE_KAIA_GAS_PRICE, chainId: FAKE_CHAIN_ID });
      expect(tx.data).toBe(new Interface(['function approve(address,uint256)']).encodeFunctionData('approve', [FAKE_GSR, MaxUint256]));
    }
    // The scripted node mines a lone approve (Kaia's pool would drop it after 10 s: a `mined` failure there).
    expect(run.counts).toEqual({ accepted: 4, mined: 4, dropped: 0, unresolved: 0, resent: 0 });
  });
});

describe('the KIP-249 auction test cases', () => {
  const NAMES = ['kaiaAuctionBid', 'kaiaAuctionRevertedBid'] as const;
  /** The auctioneer: a key of this test, given as the operator would, in the environment. */
  const AUCTIONEER = new SigningKey(`0x${'a7'.repeat(32)}`);
  let auction: FakeAuction;
  beforeAll(() => {
    auction = installFakeAuction(node, computeAddress(AUCTIONEER.publicKey));
    vi.stubEnv(AUCTIONEER_KEY_ENV, AUCTIONEER.privateKey);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  const other = computeAddress(new SigningKey(`0x${'b8'.repeat(32)}`).publicKey);
  it.for([
    [
      'without the auction namespace',
      { enabled: false },
      undefined,
      /^auction_call \(getActiveAddr\): JSON-RPC error -32601: .* \(it needs a Kaia v2 consensus node with the auction module and its auction API\)$/,
    ],
    [
      'with no entry point registered',
      { entryPoint: '0x0000000000000000000000000000000000000000' },
      undefined,
      /^no AuctionEntryPoint is registered in the KIP-149 registry$/,
    ],
    ['without the auctioneer key', {}, '', /^the auctioneer 0x[0-9a-fA-F]{40} co-signs every bid: give its key in KLAYWORKER_AUCTIONEER_KEY$/],
    [
      'with another key than the auctioneer',
      { auctioneer: other },
      undefined,
      /^KLAYWORKER_AUCTIONEER_KEY is the key of 0x[0-9a-fA-F]{40}, not of the auctioneer 0x[0-9a-fA-F]{40}$/,
    ],
  ] as const)('a node %s is refused in one line naming what is missing, before anything is funded', async ([, change, key, what]) => {
    const saved = { enabled: auction.enabled, entryPoint: auction.entryPoint, auctioneer: auction.auctioneer };
    Object.assign(auction, change);
    if (key !== undefined) vi.stubEnv(AUCTIONEER_KEY_ENV, key);
    try {
      await expectRefusedBeforeFunding(NAMES, 'auction-refused', (err, name) => {
        const prefix = `${name}: the node cannot take KIP-249 auction bids: `;
        expect(err.message.startsWith(prefix), err.message).toBe(true);
        expect(err.message.slice(prefix.length)).toMatch(what);
        expect(err.message).not.toContain(AUCTIONEER.privateKey.slice(2));
      });
    } finally {
      Object.assign(auction, saved);
      vi.stubEnv(AUCTIONEER_KEY_ENV, AUCTIONEER.privateKey);
    }
  });

  it('a --charge that cannot cover the vault’s minimum deposit is refused before funding', async () => {
    const h = harness(node.url, { chargeWei: FAKE_MIN_DEPOSIT }, { seed: 'auction-poor' });
    try {
      const err = await setupError(tc('kaiaAuctionBid').setup(h.ctx));
      expect(err.message).toBe(
        `kaiaAuctionBid: each test account deposits the auction vault's minimum, ${FAKE_MIN_DEPOSIT} kei, as a searcher: give a --charge above it (and fewer --accounts to fund)`,
      );
    } finally {
      await h.close();
    }
  });

  it.for([
    ['kaiaAuctionBid', 'auctionBidTC', 0n],
    ['kaiaAuctionRevertedBid', 'auctionRevertedBidTC', BigInt(Number.MAX_SAFE_INTEGER)],
  ] as const)(
    '%s (%s): each searcher deposits once; each iteration sends its target and bids on it for the next block; the node takes every bid',
    async ([name, alias, nonce]) => {
      expect(tc(alias).name).toBe(name);
      const bidsBefore = auction.bids.length;
      // Blocks wait, so every bid is for the block after the one the test case read.
      const run = await settledRun(name, 4, 'held');
      const deposited = run.accounts.map((a) => auction.deposits.get(a.toLowerCase()));
      expect(deposited).toEqual(run.accounts.map(() => FAKE_MIN_DEPOSIT));
      expect(run.records).toEqual(
        Array(4)
          .fill([
            { ok: true, type: 'kaia_sendRawTransaction', name },
            { ok: true, type: 'auction_submitBid', name },
          ])
          .flat(),
      );
      const bids = auction.bids.slice(bidsBefore);
      expect(bids).toHaveLength(4);
      for (const [i, bid] of bids.entries()) {
        const target = decodeKaiaTx(run.sent[i]!);
        expect(bid.targetTxRaw).toBe(run.sent[i]);
        expect(bid.targetTxHash).toBe(keccak256(run.sent[i]!));
        expect(target.fields.type).toBe(0x08);
        expect(bid.sender).toBe(target.fields.from);
        expect(bid).toMatchObject({ to: GENERAL, nonce: Number(nonce), callGasLimit: 200_000, bid: '0x3b9aca00' });
        expect(bid.data).toBe(new Interface(loadArtifact('General').abi).encodeFunctionData('reward', [target.fields.from]));
      }
      // The targets are ours to follow; the bids' own transactions are the proposer's.
      expect(run.counts).toEqual({ accepted: 4, mined: 4, dropped: 0, unresolved: 0, resent: 0 });
    },
  );

  it('a bid for a block the chain has passed is the node’s refusal, recorded as a failure of auction_submitBid', () => {
    expect(validateBidResult({ err: 'invalid block number' })).toBe('auction_submitBid: invalid block number');
    expect(validateBidResult({ bidHash: `0x${'11'.repeat(32)}` })).toBeUndefined();
    expect(validateBidResult(null)).toBe('invalid auction_submitBid result: null');
  });
});

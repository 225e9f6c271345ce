/**
 * The Kaia-native test cases against a scripted Kaia node: each builds its type with the
 * right fields, gas, gas price, signer and fee payer and sends it with kaia_ (klay_ with
 * --rpc-namespace klay) sendRawTransaction; the AccountUpdate ones run alone and put the keys
 * back; and against a node without Kaia's methods — scripted, and a real anvil — setup
 * stops with the Kaia node error before anything is funded.
 */
import { Interface, keccak256, Transaction, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runAloneProblem } from '../../src/api/test-case.js';
import { startDevChain } from '../../src/app/dev-chain.js';
import { readBalance, readNonce } from '../../src/chain/account-state.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import { KAIA_GAS_RULES, kaiaGasLimitProblem } from '../../src/chain/kaia/gas.js';
import { KaiaNodeRequiredError } from '../../src/chain/kaia/node-probe.js';
import { signAsFeePayer, signKaiaTx } from '../../src/chain/kaia/sign.js';
import { KEY_ENV } from '../../src/chain/keys.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { loadArtifact } from '../../testcases/contracts/artifacts.js';
import { kaiaTestCases } from '../../testcases/kaia/test-cases.js';
import { kaiaReadTestCases } from '../../testcases/reads/reads.js';
import { anvilAvailable } from '../support/anvil-available.js';
import {
  FAKE_CALL_ESTIMATE,
  FAKE_CHAIN_ID,
  FAKE_DEPLOY_ESTIMATE,
  FAKE_KAIA_GAS_PRICE,
  FAKE_START_NONCE,
  type FakeKaiaNode,
  startFakeKaiaNode,
} from '../support/fake-kaia-node.js';
import {
  GENERAL,
  harness,
  KAIA_ACCOUNTS,
  KAIA_RICH,
  kaiaAccount,
  kaiaAccounts,
  NEED_KAIA,
  recordingUser,
  runOn,
  setupError,
  tc,
} from '../support/kaia-harness.js';
import { type DecodedKaiaTx, decodeKaiaTx } from '../support/kaia-tx-decode.js';
import { CLI, eventually, startProcess } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';
import { accountsOf } from '../support/test-accounts.js';

const general = new Interface(loadArtifact('General').abi);

/** The same fields signed again by the accounts we expect must give the same bytes. */
function expectResigned(raw: string, tx: DecodedKaiaTx, feePayer?: TestAccount): void {
  const sender = signKaiaTx(tx.fields, kaiaAccount(tx.fields.from).signer);
  expect(feePayer === undefined ? sender : signAsFeePayer(sender, feePayer.signer)).toBe(raw);
}

function isAlnum(hex: string): boolean {
  return /^[0-9A-Za-z]*$/.test(Buffer.from(hex.slice(2), 'hex').toString('latin1'));
}

interface Expectation {
  name: string;
  type: number;
  gas: bigint;
  settings?: { memoSize?: unknown };
  check(tx: DecodedKaiaTx): TestAccount | undefined;
}

/** Checks shared by the transfer types; returns the expected fee payer (the recipient). */
function transfer(tx: DecodedKaiaTx, delegated: boolean, ratio?: number): TestAccount | undefined {
  const { fields } = tx;
  const to = kaiaAccount(fields.to!);
  expect(to.address).not.toBe(fields.from);
  expect(fields.value).toBeGreaterThanOrEqual(1n);
  expect(fields.value).toBeLessThanOrEqual(1000n);
  expect(fields.feeRatio).toBe(ratio);
  if (!delegated) return undefined;
  expect(tx.feePayer).toBe(to.address);
  expect(tx.feePayerSigner).toBe(to.address);
  return to;
}

function memo(tx: DecodedKaiaTx, bytes: number, delegated: boolean, ratio?: number): TestAccount | undefined {
  expect((tx.fields.data!.length - 2) / 2).toBe(bytes);
  expect(isAlnum(tx.fields.data!)).toBe(true);
  return transfer(tx, delegated, ratio);
}

/** The fee payer of the delegated Cancel and AccountUpdate types: another test account, signing for itself. */
function otherPayer(tx: DecodedKaiaTx, ratio?: number): TestAccount {
  expect(tx.fields.feeRatio).toBe(ratio);
  const payer = kaiaAccount(tx.feePayer!);
  expect(payer.address).not.toBe(tx.fields.from);
  expect(tx.feePayerSigner).toBe(payer.address);
  return payer;
}

/** AccountKeyPublic of the sender's own key: type 0x02, then the RLP of the 33-byte compressed key (0xa1 prefix). */
function ownPublicKey(tx: DecodedKaiaTx): void {
  expect(tx.fields.key).toBe(`0x02a1${kaiaAccount(tx.fields.from).signer.compressedPublicKey.slice(2)}`);
}

/** The General contract's deployment; `payer` is the sender itself for the delegated ones (as in the Go tools). */
function deployment(tx: DecodedKaiaTx, delegated: boolean, ratio?: number): TestAccount | undefined {
  const { fields } = tx;
  // No recipient, also for the delegated ones (the Go tools' random recipient made the node refuse them).
  expect(fields.to).toBeNull();
  expect(fields.value).toBe(0n);
  expect(fields.data).toBe(loadArtifact('General').bytecode);
  expect(fields.humanReadable).toBe(false);
  expect(fields.codeFormat).toBe(0);
  expect(fields.feeRatio).toBe(ratio);
  if (!delegated) return undefined;
  expect(tx.feePayer).toBe(fields.from);
  expect(tx.feePayerSigner).toBe(fields.from);
  return kaiaAccount(fields.from);
}

function execution(tx: DecodedKaiaTx, delegated: boolean, ratio?: number): TestAccount | undefined {
  const { fields } = tx;
  expect(fields.to).toBe(GENERAL);
  expect(fields.data).toBe(general.encodeFunctionData('reward', [fields.from]));
  expect(fields.value).toBeGreaterThanOrEqual(0n);
  expect(fields.value).toBeLessThanOrEqual(2n);
  expect(fields.feeRatio).toBe(ratio);
  if (!delegated) return undefined;
  // As in the Go tools: the sender pays as fee payer too.
  expect(tx.feePayer).toBe(fields.from);
  expect(tx.feePayerSigner).toBe(fields.from);
  return kaiaAccount(fields.from);
}

// Gas from Kaia's params: 21,000 per tx, +10,000 fee-delegated, +15,000 with ratio; 100 per
// data byte before Prague (the larger than Prague's floor for these sizes); estimates + 20 %
// (deploy) or + 50 % (call), plus the delegation surcharge.
const EXPECTATIONS: Expectation[] = [
  { name: 'kaiaValueTransfer', type: 0x08, gas: 21_000n, check: (tx) => transfer(tx, false) },
  { name: 'kaiaFeeDelegatedValueTransfer', type: 0x09, gas: 31_000n, check: (tx) => transfer(tx, true) },
  { name: 'kaiaFeeDelegatedValueTransferWithRatio', type: 0x0a, gas: 36_000n, check: (tx) => transfer(tx, true, 30) },
  { name: 'kaiaValueTransferMemo', type: 0x10, gas: 41_000n, check: (tx) => memo(tx, 200, false) },
  { name: 'kaiaValueTransferMemo', type: 0x10, gas: 221_000n, settings: { memoSize: 'large' }, check: (tx) => memo(tx, 2_000, false) },
  // Large whatever --memo-size says; 221,000 is above both Prague's EIP-7623 floor (101,000) and the pre-Prague data gas.
  {
    name: 'kaiaValueTransferLargeMemo',
    type: 0x10,
    gas: 221_000n,
    settings: { memoSize: 'small' },
    check: (tx) => {
      for (const rules of Object.values(KAIA_GAS_RULES)) expect(kaiaGasLimitProblem(tx.fields, BigInt(tx.fields.gas), rules)).toBeUndefined();
      return memo(tx, 2_000, false);
    },
  },
  { name: 'kaiaFeeDelegatedValueTransferMemo', type: 0x11, gas: 51_000n, check: (tx) => memo(tx, 200, true) },
  { name: 'kaiaFeeDelegatedValueTransferMemoWithRatio', type: 0x12, gas: 236_000n, settings: { memoSize: 'large' }, check: (tx) => memo(tx, 2_000, true, 30) },
  { name: 'kaiaSmartContractDeploy', type: 0x28, gas: (FAKE_DEPLOY_ESTIMATE * 120n) / 100n, check: (tx) => deployment(tx, false) },
  { name: 'kaiaFeeDelegatedSmartContractDeploy', type: 0x29, gas: (FAKE_DEPLOY_ESTIMATE * 120n) / 100n + 10_000n, check: (tx) => deployment(tx, true) },
  {
    name: 'kaiaFeeDelegatedSmartContractDeployWithRatio',
    type: 0x2a,
    gas: (FAKE_DEPLOY_ESTIMATE * 120n) / 100n + 15_000n,
    check: (tx) => deployment(tx, true, 30),
  },
  { name: 'kaiaSmartContractExecution', type: 0x30, gas: (FAKE_CALL_ESTIMATE * 150n) / 100n, check: (tx) => execution(tx, false) },
  { name: 'kaiaFeeDelegatedSmartContractExecution', type: 0x31, gas: (FAKE_CALL_ESTIMATE * 150n) / 100n + 10_000n, check: (tx) => execution(tx, true) },
  {
    name: 'kaiaFeeDelegatedSmartContractExecutionWithRatio',
    type: 0x32,
    gas: (FAKE_CALL_ESTIMATE * 150n) / 100n + 15_000n,
    check: (tx) => execution(tx, true, 30),
  },
  { name: 'kaiaCancel', type: 0x38, gas: 21_000n, check: () => undefined },
  { name: 'kaiaFeeDelegatedCancel', type: 0x39, gas: 31_000n, check: (tx) => otherPayer(tx) },
  { name: 'kaiaFeeDelegatedCancelWithRatio', type: 0x3a, gas: 36_000n, check: (tx) => otherPayer(tx, 30) },
  {
    name: 'kaiaAccountUpdate',
    type: 0x20,
    gas: 41_000n,
    check: (tx) => {
      ownPublicKey(tx);
      return undefined;
    },
  },
  {
    name: 'kaiaFeeDelegatedAccountUpdate',
    type: 0x21,
    gas: 51_000n,
    check: (tx) => {
      ownPublicKey(tx);
      return otherPayer(tx);
    },
  },
  {
    name: 'kaiaFeeDelegatedAccountUpdateWithRatio',
    type: 0x22,
    gas: 56_000n,
    check: (tx) => {
      ownPublicKey(tx);
      return otherPayer(tx, 30);
    },
  },
];

/** Test cases that send more than one transaction an iteration, or need more of the node: test/integration/kaia-catalogue.test.ts. */
const TESTED_IN_CATALOGUE = [
  'kaiaValueTransferWithCancel',
  'kaiaAccountCreation',
  'kaiaGaslessTransaction',
  'kaiaGaslessRevertTransaction',
  'kaiaGaslessOnlyApprove',
  'kaiaAuctionBid',
  'kaiaAuctionRevertedBid',
];

describe('Kaia test cases on a scripted Kaia node', () => {
  let node: FakeKaiaNode;
  beforeAll(async () => {
    node = await startFakeKaiaNode();
  });
  afterAll(async () => {
    await node?.close();
  });

  it('cover every Kaia test case of the registry, with the Go tools\u2019 names as aliases', () => {
    expect(new Set([...EXPECTATIONS.map((e) => e.name), ...TESTED_IN_CATALOGUE])).toEqual(new Set(kaiaTestCases.map((t) => t.name)));
    expect(tc('newValueTransferTC').name).toBe('kaiaValueTransfer');
    expect(tc('newFeeDelegatedSmartContractExecutionWithRatioTC').name).toBe('kaiaFeeDelegatedSmartContractExecutionWithRatio');
    expect(tc('newAccountUpdateTC').name).toBe('kaiaAccountUpdate');
    expect(tc('newValueTransferLargeMemoTC').name).toBe('kaiaValueTransferLargeMemo');
    expect(tc('newFeeDelegatedSmartContractDeployTC').name).toBe('kaiaFeeDelegatedSmartContractDeploy');
    expect(tc('newFeeDelegatedCancelWithRatioTC').name).toBe('kaiaFeeDelegatedCancelWithRatio');
    expect(tc('newFeeDelegatedAccountUpdateWithRatioTC').name).toBe('kaiaFeeDelegatedAccountUpdateWithRatio');
  });

  it.for(EXPECTATIONS.map((e) => [`${e.name}${e.settings ? ` ${JSON.stringify(e.settings)}` : ''}`, e] as const))(
    '%s sends its type with the right fields, gas and signatures through kaia_sendRawTransaction',
    async ([, e]) => {
      const before = node.sent().length;
      const { records } = await runOn(node, e.name, 6, e.settings);
      const sent = node.sent().slice(before);
      expect(records).toEqual(Array.from({ length: 6 }, () => ({ ok: true, type: 'kaia_sendRawTransaction', name: e.name })));
      expect(sent).toHaveLength(6);
      const nonces = new Map<string, bigint[]>();
      for (const raw of sent) {
        expect(raw.slice(0, 4)).toBe(`0x${e.type.toString(16).padStart(2, '0')}`);
        const tx = decodeKaiaTx(raw);
        expect(tx.fields.chainId).toBe(FAKE_CHAIN_ID);
        expect(tx.fields.gasPrice).toBe(FAKE_KAIA_GAS_PRICE);
        expect(tx.fields.gas).toBe(e.gas);
        expect(tx.signer).toBe(tx.fields.from);
        const payer = e.check(tx);
        expectResigned(raw, tx, payer);
        nonces.set(tx.fields.from, [...(nonces.get(tx.fields.from) ?? []), BigInt(tx.fields.nonce)]);
      }
      // Each account sends at the chain's pending nonce and then the ones after it.
      for (const used of nonces.values()) expect(used).toEqual(used.map((_, i) => BigInt(FAKE_START_NONCE + i)));
      expect(node.requests.some((r) => r.method === 'eth_sendRawTransaction')).toBe(false);
    },
  );

  it('memos differ from one transaction to the next', async () => {
    const before = node.sent().length;
    await runOn(node, 'kaiaValueTransferMemo', 4);
    const memos = node
      .sent()
      .slice(before)
      .map((raw) => decodeKaiaTx(raw).fields.data);
    expect(new Set(memos).size).toBe(4);
  });

  it('estimates the contract gas once at setup, for the worst case', async () => {
    const before = node.requests.length;
    await runOn(node, 'kaiaSmartContractExecution', 3);
    await runOn(node, 'kaiaSmartContractDeploy', 3);
    const estimates = node.requests
      .slice(before)
      .filter((r) => r.method === 'kaia_estimateGas')
      .map((r) => (r.params as Record<string, string>[])[0]!);
    expect(estimates).toHaveLength(2);
    const [call, deploy] = estimates as [Record<string, string>, Record<string, string>];
    expect(call).toMatchObject({ to: GENERAL, value: '0x2' });
    // reward(someone never rewarded): not one of the test accounts.
    const receiver = general.decodeFunctionData('reward', call.data!)[0] as string;
    expect(kaiaAccounts.map((a) => a.address)).not.toContain(receiver);
    expect(deploy).toEqual({ from: kaiaAccounts[0]!.address, value: '0x0', data: loadArtifact('General').bytecode });
  });

  it.for([
    ['eth', 'kaia'],
    ['kaia', 'kaia'],
    ['klay', 'klay'],
  ] as const)('--rpc-namespace %s probes, prices and sends with %s_', async ([given, used]) => {
    const before = node.requests.length;
    const { records } = await runOn(node, 'kaiaFeeDelegatedValueTransfer', 2, { rpcNamespace: given });
    const methods = node.requests.slice(before).map((r) => r.method);
    expect(records.every((r) => r.ok && r.type === `${used}_sendRawTransaction`)).toBe(true);
    expect(methods).toContain(`${used}_chainID`);
    expect(methods).toContain(`${used}_gasPrice`);
    expect(methods.filter((m) => m.endsWith('_sendRawTransaction'))).toEqual([`${used}_sendRawTransaction`, `${used}_sendRawTransaction`]);
  });

  it('refuses a --memo-size that is not small or large before asking the node anything', async () => {
    const before = node.requests.length;
    const h = harness(node.url, { memoSize: 'huge' });
    try {
      await expect(tc('kaiaValueTransferMemo').setup(h.ctx)).rejects.toThrow('--memo-size: expected one of small, large, got "huge"');
    } finally {
      await h.close();
    }
    expect(node.requests.length).toBe(before);
  });
});

describe('chain truth on the scripted Kaia node', () => {
  it('what is mined is what the node’s blocks hold; transactions the node forgets are failures of the mined row, and their accounts heal', async () => {
    const node = await startFakeKaiaNode({ nonces: true });
    const h = harness(node.url, {}, { seed: 'kaia-truth' });
    try {
      const prepared = await tc('kaiaFeeDelegatedValueTransfer').setup(h.ctx);
      const { user, records } = recordingUser();
      for (let i = 0; i < 12; i++) await prepared.run(user);
      // The node accepts the next two and then forgets them: later nonces of their accounts queue behind the gaps.
      node.dropNext(2);
      await eventually(
        async () => {
          await prepared.run(user);
          return h.tracker.counts().dropped === 2 ? true : undefined;
        },
        10_000,
        'both drops to be seen',
        10,
      );
      // The healed accounts fill their gaps first, and what queued behind them is mined.
      for (let i = 0; i < 6; i++) await prepared.run(user);
      await h.tracker.drain(10_000);

      const t = h.tracker.counts();
      expect(records.every((r) => r.ok)).toBe(true);
      expect(t).toEqual({ accepted: records.length, mined: records.length - 2, dropped: 2, unresolved: 0, resent: 0 });
      expect(node.mined()).toHaveLength(t.mined);
      expect(h.mined.filter((r) => r.ok)).toHaveLength(t.mined);
      expect(h.mined.filter((r) => !r.ok).map((r) => r.error)).toEqual(Array(2).fill('dropped: the node no longer knows it (evicted from its pool)'));
      expect(h.mined.every((r) => r.name === 'kaiaFeeDelegatedValueTransfer')).toBe(true);
    } finally {
      await h.close();
      await node.close();
    }
  });
});

describe('kaiaAccountUpdate runs alone and resets the keys', () => {
  it('is refused with any other test case, before the node is asked anything', async () => {
    expect(runAloneProblem([tc('kaiaAccountUpdate')])).toBeUndefined();
    for (const name of ['kaiaFeeDelegatedAccountUpdate', 'kaiaFeeDelegatedAccountUpdateWithRatio']) {
      expect(runAloneProblem([tc('kaiaCancel'), tc(name)])).toMatch(new RegExp(`^--tc: ${name} must run alone, not with kaiaCancel: `));
    }
    expect(runAloneProblem([tc('kaiaValueTransfer'), tc('valueTransfer')])).toBeUndefined();
    const problem = runAloneProblem([tc('kaiaValueTransfer'), tc('kaiaAccountUpdate'), tc('valueTransfer')]);
    expect(problem).toMatch(/^--tc: kaiaAccountUpdate must run alone, not with kaiaValueTransfer, valueTransfer: /);
    expect(problem).not.toContain('\n');

    // The CLI refuses the pair as a usage error before it asks the node anything.
    const node = await startFakeKaiaNode();
    try {
      const cli = startProcess(process.execPath, [CLI, '--standalone', '-t', '1s', '--tc', 'kaiaAccountUpdate,valueTransfer', '--endpoint', node.url], {
        env: { [KEY_ENV]: KAIA_RICH },
      });
      expect(await cli.exited(20_000)).toBe(2);
      expect(cli.output().trim().split('\n')).toEqual([expect.stringMatching(/--tc: kaiaAccountUpdate must run alone, not with valueTransfer: /)]);
      expect(node.requests).toEqual([]);
    } finally {
      await node.close();
    }
  });

  it('teardown resets the updated accounts (mined or not) and any left with a public key, and waits for their receipts', async () => {
    // The update stays pending: the chain still says "legacy" for it at teardown.
    const node = await startFakeKaiaNode({ keysPending: true });
    const h = harness(node.url);
    try {
      const prepared = await tc('kaiaAccountUpdate').setup(h.ctx);
      const { user, records } = recordingUser();
      await prepared.run(user);
      expect(records.map((r) => r.ok)).toEqual([true]);
      const [updated] = node.sent().map((raw) => decodeKaiaTx(raw).fields.from);
      // An earlier run killed before its teardown left this one with a public key.
      const leftOver = kaiaAccounts.find((a) => a.address !== updated)!.address;
      node.keyTypes.set(leftOver.toLowerCase(), 2);
      const untouched = kaiaAccounts.find((a) => a.address !== updated && a.address !== leftOver)!.address;

      const before = node.sent().length;
      await prepared.teardown!();
      const resets = node.sent().slice(before).map(decodeKaiaTx);
      expect(resets.map((r) => r.fields.from).sort()).toEqual([updated!, leftOver].sort());
      for (const reset of resets) {
        expect(reset.fields).toMatchObject({ type: 0x20, key: '0x01c0', gas: 21_000n, gasPrice: FAKE_KAIA_GAS_PRICE });
        expect(reset.signer).toBe(reset.fields.from);
      }
      // The updated account's reset follows its update; the other one's is its first send.
      expect(resets.find((r) => r.fields.from === updated)!.fields.nonce).toBe(BigInt(FAKE_START_NONCE + 1));
      expect(resets.find((r) => r.fields.from === leftOver)!.fields.nonce).toBe(BigInt(FAKE_START_NONCE));
      const receipts = node.requests.filter((r) => r.method === 'kaia_getTransactionReceipt').map((r) => (r.params as string[])[0]);
      expect(receipts.sort()).toEqual(node.sent().slice(before).map(keccak256).sort());
      expect(resets.some((r) => r.fields.from === untouched)).toBe(false);
    } finally {
      await h.close();
      await node.close();
    }
  });

  it.for(['kaiaAccountUpdate', 'kaiaFeeDelegatedAccountUpdateWithRatio'])(
    '%s: teardown fails in one line naming itself and the seed when a reset does not succeed',
    async (name) => {
      const node = await startFakeKaiaNode();
      const h = harness(node.url);
      try {
        const prepared = await tc(name).setup(h.ctx);
        await prepared.run(recordingUser().user);
        node.receiptStatus = '0x0';
        const err = await prepared.teardown!().then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(err?.message).toMatch(
          new RegExp(
            `^${name}: 1 of 1 test accounts keep a public key \\(0x[0-9a-f]{64}: status 0x0\\); .* until ${name} runs again with --account-seed kaia-unit$`,
          ),
        );
        expect(err?.message).not.toContain('\n');
      } finally {
        await h.close();
        await node.close();
      }
    },
  );
});

describe('Kaia test cases on a node without Kaia methods', () => {
  const kaiaOnly = [...kaiaTestCases, ...kaiaReadTestCases];

  it('every one stops in setup with the Kaia node error before reading or funding any test account (scripted)', async () => {
    const node = await startFakeKaiaNode({ kaia: false });
    try {
      for (const testCase of kaiaOnly) {
        const h = harness(node.url);
        try {
          const err = await setupError(testCase.setup(h.ctx));
          expect(err, testCase.name).toBeInstanceOf(KaiaNodeRequiredError);
          expect(err.message).toMatch(NEED_KAIA);
        } finally {
          await h.close();
        }
      }
      const methods = new Set(node.requests.map((r) => r.method));
      expect(methods.has('eth_getBalance')).toBe(false);
      expect(methods.has('eth_sendRawTransaction')).toBe(false);
    } finally {
      await node.close();
    }
  });

  it('on a real anvil, setup fails with the Kaia node error and the rich account sends nothing', async (ctx) => {
    const available = anvilAvailable();
    requireOrSkip(ctx, available.ok, available.reason);
    const chain = await startDevChain();
    const rpc = new JsonRpcClient(chain.url, { timeoutMs: 5_000 });
    try {
      const richAddress = new Wallet(chain.richKey).address;
      const nonceBefore = await readNonce(rpc, richAddress, 'pending');
      for (const testCase of kaiaOnly) {
        const seed = `anvil-${testCase.name}`;
        const h = harness(chain.url, {}, { richKey: chain.richKey, seed });
        try {
          const err = await setupError(testCase.setup(h.ctx));
          expect(err, testCase.name).toBeInstanceOf(KaiaNodeRequiredError);
          expect(err.message).toMatch(NEED_KAIA);
          expect(err.message).toContain('kaia_chainID: JSON-RPC error -32601: Method not found');
        } finally {
          await h.close();
        }
        for (const a of accountsOf(chain.richKey, seed, KAIA_ACCOUNTS)) expect(await readBalance(rpc, a.address)).toBe(0n);
      }
      expect(await readNonce(rpc, richAddress, 'pending')).toBe(nonceBefore);
    } finally {
      await rpc.close();
      await chain.stop();
    }
  });
});

describe('Ethereum typed transfers through the kaia namespace', () => {
  it('valueTransfer with --rpc-namespace kaia wraps its type-2 transaction in the 0x78 envelope Kaia expects', async () => {
    const node = await startFakeKaiaNode();
    try {
      const { records } = await runOn(node, 'valueTransfer', 3, { rpcNamespace: 'kaia', txType: '1559' });
      expect(records.every((r) => r.ok && r.type === 'kaia_sendRawTransaction')).toBe(true);
      const sent = node.sent('kaia');
      expect(sent).toHaveLength(3);
      for (const raw of sent) {
        expect(raw.startsWith('0x7802')).toBe(true);
        const inner = Transaction.from(`0x${raw.slice(4)}`);
        expect(inner.type).toBe(2);
        expect(inner.chainId).toBe(FAKE_CHAIN_ID);
      }
    } finally {
      await node.close();
    }
  });
});

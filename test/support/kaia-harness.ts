/**
 * What the tests of the Kaia test cases share: a context on a scripted (or real) node with a
 * real transaction session and inclusion tracker, a user that records what it is told, and
 * the built-in test cases by name.
 */
import { getAddress } from 'ethers';
import pino from 'pino';

import type { PreparedTestCase, TestCase, TestCaseContext } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import { InclusionTracker } from '../../src/chain/inclusion/inclusion-tracker.js';
import { PrivateKey } from '../../src/chain/keys.js';
import { createTxSession, type TxSettings } from '../../src/chain/tx-session.js';
import { findTestCase } from '../../src/cli/test-case-spec.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { User } from '../../src/runner/task.js';
import type { BatchRecorder, Recorder } from '../../src/stats/recorder.js';
import { builtInTestCases } from '../../testcases/registry.js';
import type { FakeKaiaNode } from './fake-kaia-node.js';
import { accountsOf } from './test-accounts.js';

export const KAIA_RICH = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
export const KAIA_SEED = 'kaia-unit';
export const KAIA_ACCOUNTS = 3;
/** Where the scripted deployer says the General contract is. */
export const GENERAL = getAddress('0x00000000000000000000000000000000000c0ffe');
export const NEED_KAIA = /^these test cases need a Kaia node \(kaia_chainID \/ klay_chainID not available at the endpoint\): /;
const silent = pino({ level: 'silent' });

/** The test accounts of KAIA_RICH and KAIA_SEED. */
export const kaiaAccounts: readonly TestAccount[] = accountsOf(KAIA_RICH, KAIA_SEED, KAIA_ACCOUNTS);

export function tc(name: string): TestCase {
  const found = findTestCase(name, builtInTestCases);
  if (found === undefined) throw new Error(`no test case ${name}`);
  return found;
}

export function kaiaAccount(address: string): TestAccount {
  const found = kaiaAccounts.find((a) => a.address === address);
  if (found === undefined) throw new Error(`${address} is not a test account`);
  return found;
}

/** Settings as a test gives them: a memo size may be deliberately wrong. */
export type LooseSettings = Omit<Partial<TxSettings>, 'memoSize'> & { memoSize?: unknown };

export interface Harness {
  ctx: TestCaseContext;
  tracker: InclusionTracker;
  /** What the tracker recorded: the `mined` rows. */
  mined: { ok: boolean; name: string; error?: string }[];
  close(): Promise<void>;
}

export function harness(url: string, settings: LooseSettings = {}, extra: { richKey?: string; seed?: string } = {}): Harness {
  const rpc = new JsonRpcClient(url, { timeoutMs: 5_000 });
  const full = {
    txType: 'auto',
    rpcNamespace: 'eth',
    accounts: KAIA_ACCOUNTS,
    accountSeed: extra.seed ?? KAIA_SEED,
    chargeWei: 10n ** 18n,
    receiptTimeoutMs: 5_000,
    maxPending: 16,
    ...settings,
  } as TxSettings;
  const mined: Harness['mined'] = [];
  const recorder: BatchRecorder = {
    success: (_type, name) => mined.push({ ok: true, name }),
    successes: (_type, name, times) => times.forEach(() => mined.push({ ok: true, name })),
    failure: (_type, name, _ms, error) => mined.push({ ok: false, name, error }),
  };
  const tracker = new InclusionTracker({ rpc, namespace: 'eth', log: silent, recorder, receiptTimeoutMs: full.receiptTimeoutMs, pollMs: 20 });
  tracker.open();
  const tx = createTxSession({
    rpc,
    log: silent,
    endpoint: url,
    connectTimeoutMs: 5_000,
    settings: full,
    richKey: PrivateKey.parse(extra.richKey ?? KAIA_RICH, 'test'),
    tracker,
  });
  const ctx = { rpc, endpoint: url, log: silent, namespace: full.rpcNamespace, tx, contracts: { deployContract: () => Promise.resolve(GENERAL) } };
  return {
    ctx,
    tracker,
    mined,
    close: async () => {
      await tracker.close();
      await rpc.close();
    },
  };
}

export interface Recorded {
  ok: boolean;
  type: string;
  name: string;
  error?: string;
}

export function recordingUser(): { user: User; records: Recorded[] } {
  const records: Recorded[] = [];
  const recorder: Recorder = {
    success: (type, name) => records.push({ ok: true, type, name }),
    failure: (type, name, _ms, error) => records.push({ ok: false, type, name, error }),
  };
  const user: User = { id: 0, recorder, signal: new AbortController().signal };
  return { user, records };
}

/** Sets up `name` on the fake node and runs `iterations` one after another. */
export async function runOn(node: FakeKaiaNode, name: string, iterations: number, settings: LooseSettings = {}) {
  const h = harness(node.url, settings);
  try {
    const prepared = await tc(name).setup(h.ctx);
    const { user, records } = recordingUser();
    for (let i = 0; i < iterations; i++) await prepared.run(user);
    return { prepared, records };
  } finally {
    await h.close();
  }
}

/** The error a setup rejects with; fails the test if it succeeds. */
export async function setupError(setup: Promise<PreparedTestCase>): Promise<Error> {
  try {
    await setup;
  } catch (err) {
    return err as Error;
  }
  throw new Error('setup succeeded, but it should have failed');
}

/**
 * Puts the test accounts' keys back to AccountKeyLegacy after an AccountUpdate test case. With a
 * public key an account still signs Kaia's own types, but Kaia refuses every Ethereum-typed
 * transaction from it (ErrLegacyTransactionMustBeWithLegacyKey): the other transaction test
 * cases and `klayworker refund` could not use it any more. The accounts' addresses are
 * derived from their keys, so the legacy key is a valid choice for every one of them.
 */
import type { Logger } from 'pino';

import type { TestAccount } from '../../src/chain/accounts.js';
import { ACCOUNT_KEY_LEGACY, AccountKeyType } from '../../src/chain/kaia/account-key.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import type { Lease } from '../../src/chain/nonce-manager.js';
import { waitForReceipt } from '../../src/chain/receipt-wait.js';
import { classifySendError } from '../../src/chain/send-errors.js';
import { errorMessage } from '../../src/util/errors.js';
import { mapLimit } from '../../src/util/map-limit.js';
import type { KaiaSetup } from './kaia-setup.js';
import { type KaiaTxPlan, signKaiaPlan } from './send-kaia-tx.js';

const CONCURRENCY = 16;

export interface RestoreOptions {
  setup: KaiaSetup;
  log: Logger;
  /**
   * Accounts that sent (or may have sent) an AccountUpdate in this run: reset whatever the
   * chain says now, since the update may still be pending. The others are reset if the chain
   * shows a non-legacy key (a run killed before its teardown leaves those behind).
   */
  touched: ReadonlySet<string>;
  /** The AccountUpdate test case that ran: named in the error, as what to run again. */
  testCase: string;
}

export interface RestoreReport {
  /** Accounts that needed a reset. */
  needed: number;
  /** Resets mined with status 1. */
  restored: number;
}

const LEGACY_PLAN: KaiaTxPlan = {
  fields: { type: KaiaTxType.AccountUpdate, gas: kaiaMinGasLimitAnyFork({ type: KaiaTxType.AccountUpdate, key: ACCOUNT_KEY_LEGACY }), key: ACCOUNT_KEY_LEGACY },
};

/** Resets every test account that needs it; rejects with one line if any keeps another key. */
export async function restoreLegacyKeys(options: RestoreOptions): Promise<RestoreReport> {
  const { setup, log, touched, testCase } = options;
  const { list } = setup.accounts;
  const needed = new Set(touched);
  const keyTypes = await mapLimit(
    list.filter((a) => !touched.has(a.address)),
    CONCURRENCY,
    async (a) => [a.address, await readKeyType(setup, a.address)] as const,
  );
  for (const [address, keyType] of keyTypes) if (keyType !== AccountKeyType.Legacy && keyType !== null) needed.add(address);
  if (needed.size === 0) return { needed: 0, restored: 0 };

  const deadline = performance.now() + setup.settings.receiptTimeoutMs;
  const { leases, missing } = await leaseAccounts(setup, needed, deadline);
  const problems: string[] = missing.map((address) => `${address}: still in use`);
  const hashes = await mapLimit(leases, CONCURRENCY, async (lease) => {
    const sent = await sendReset(setup, lease);
    if (typeof sent !== 'string') problems.push(`${lease.account.address}: ${sent.error}`);
    return typeof sent === 'string' ? sent : null;
  });
  const receipts = await mapLimit(hashes, CONCURRENCY, async (hash) => {
    if (hash === null) return false;
    const waited = await waitForReceipt(setup.rpc, `${setup.namespace}_getTransactionReceipt`, hash, { deadline });
    if (waited.kind === 'receipt' && waited.receipt.status === '0x1') return true;
    problems.push(`${hash}: ${waited.kind === 'receipt' ? `status ${String(waited.receipt.status)}` : 'not mined in time'}`);
    return false;
  });
  const restored = receipts.filter(Boolean).length;
  log.info({ restored, needed: needed.size }, 'test account keys reset to AccountKeyLegacy');
  if (restored < needed.size) {
    throw new Error(
      `${testCase}: ${needed.size - restored} of ${needed.size} test accounts keep a public key (${problems[0] ?? 'unknown'}); ` +
        `Ethereum-typed test cases and klayworker refund cannot use them until ${testCase} runs again with --account-seed ${setup.settings.accountSeed}`,
    );
  }
  return { needed: needed.size, restored };
}

/** The account's key type at the latest block; null for an account the chain does not know; undefined if unreadable. */
async function readKeyType(setup: KaiaSetup, address: string): Promise<number | null | undefined> {
  try {
    const { result } = await setup.rpc.call(`${setup.namespace}_getAccountKey`, [address, 'latest']);
    if (result === null) return null;
    const keyType = (result as { keyType?: unknown }).keyType;
    return typeof keyType === 'number' ? keyType : undefined;
  } catch {
    // Unknown: resetting a legacy key to legacy is allowed and costs 21,000 gas, so reset.
    return undefined;
  }
}

/** Leases until every `wanted` account is held (the users have stopped, so they are free). */
async function leaseAccounts(setup: KaiaSetup, wanted: ReadonlySet<string>, deadline: number): Promise<{ leases: Lease<TestAccount>[]; missing: string[] }> {
  const { nonces, list } = setup.accounts;
  const held: Lease<TestAccount>[] = [];
  const leases: Lease<TestAccount>[] = [];
  while (leases.length < wanted.size && held.length + leases.length < list.length) {
    const lease = await nonces.lease(AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now()))));
    if (lease === null) break;
    if (wanted.has(lease.account.address)) leases.push(lease);
    else held.push(lease);
  }
  // Held only so that lease() moves on to the next account; nothing was sent from them.
  for (const lease of held) lease.release('unused');
  const got = new Set(leases.map((l) => l.account.address));
  return { leases, missing: [...wanted].filter((a) => !got.has(a)) };
}

/** Sends one reset under its lease: the hash, or why not. */
async function sendReset(setup: KaiaSetup, lease: Lease<TestAccount>): Promise<string | { error: string }> {
  let outcome: 'sent' | 'resync' = 'resync';
  try {
    const nonce = await lease.nonce();
    if (nonce === null) return { error: 'the account has --max-pending transactions waiting for the chain' };
    const signed = signKaiaPlan(LEGACY_PLAN, lease.account, nonce, setup.fees.current(), setup.chainId);
    try {
      const { result } = await setup.rpc.call(setup.sendMethod, [signed.raw]);
      outcome = 'sent';
      return typeof result === 'string' ? result : signed.hash;
    } catch (err) {
      if (classifySendError(err) !== 'already-known') throw err;
      outcome = 'sent';
      return signed.hash;
    }
  } catch (err) {
    return { error: errorMessage(err) };
  } finally {
    lease.release(outcome);
  }
}

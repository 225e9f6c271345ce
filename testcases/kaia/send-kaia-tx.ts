/**
 * One Kaia-native transaction from a leased test account: the test case says what to send
 * (type, gas, recipient, payload, fee payer), this fills in nonce, gas price, chain id and
 * sender, signs — as the fee payer too where the type is fee-delegated — and sends it with
 * `<namespace>_sendRawTransaction`. Success means the node's pool accepted it.
 */
import type { TestAccount } from '../../src/chain/accounts.js';
import type { FeeQuote } from '../../src/chain/chain-context.js';
import type { Settlement } from '../../src/chain/inclusion/types.js';
import { kaiaTxHash, signAsFeePayer, signKaiaTx } from '../../src/chain/kaia/sign.js';
import type { KaiaTxFields } from '../../src/chain/kaia/tx-encoding.js';
import { type KaiaTxTypeCode, kaiaTxTypeInfo } from '../../src/chain/kaia/tx-types.js';
import { backOff, type FollowUp, type SendResult, sendUnderLease } from '../../src/chain/send-transaction.js';
import type { SignedTx } from '../../src/chain/signing/sign-transfer.js';
import type { User } from '../../src/runner/task.js';
import type { KaiaSetup } from './kaia-setup.js';

/** The fee payer's share of WithRatio types, in percent (the Go load testers' 30). */
export const FEE_RATIO = 30;

/** Values are 1 to MAX_VALUE kei: non-zero so a balance shows them, tiny so funds last. */
const MAX_VALUE = 1000;

/** What a test case decides; the rest is filled in at signing. */
export interface KaiaTxPlan {
  readonly fields: Omit<KaiaTxFields, 'nonce' | 'gasPrice' | 'chainId' | 'from'>;
  /** Fee-delegated types: the test account that signs as fee payer (and pays). */
  readonly feePayer?: TestAccount;
  /** Sent from the same account once this one is accepted (see SendRequest.followUps). */
  readonly followUps?: readonly KaiaFollowUp[];
  /** Told each time this plan is signed (its first send, and any re-send). */
  readonly onSigned?: (signed: SignedTx) => void;
  /** Told once what the chain did with it (see InclusionTracker). */
  readonly onSettled?: (settlement: Settlement) => void;
}

export interface KaiaFollowUp {
  /** 0: replaces the first at its nonce (a Cancel); 1: the nonce after it. */
  readonly nonceOffset: 0 | 1;
  readonly plan: KaiaTxPlan;
}

export interface KaiaSendAttempt {
  readonly from: TestAccount;
  readonly result: SendResult;
}

/** A random transfer value, 1 to 1000 kei. */
export function randomValue(): bigint {
  return BigInt(1 + Math.floor(Math.random() * MAX_VALUE));
}

/**
 * The delegation part of a plan: the fee payer of a fee-delegated type, and the ratio of a
 * WithRatio one; both undefined for a basic type.
 */
export function delegation(type: KaiaTxTypeCode, feePayer: TestAccount): { feeRatio: number | undefined; feePayer: TestAccount | undefined } {
  const info = kaiaTxTypeInfo(type);
  return { feeRatio: info.withRatio ? FEE_RATIO : undefined, feePayer: info.feeDelegated ? feePayer : undefined };
}

/** Signs a plan. Pure: Kaia signatures are deterministic (RFC 6979). */
export function signKaiaPlan(plan: KaiaTxPlan, from: TestAccount, nonce: number, fee: FeeQuote, chainId: bigint): SignedTx {
  if (fee.type !== 'legacy') throw new TypeError('Kaia-native transactions take a legacy gas price');
  const fields: KaiaTxFields = { ...plan.fields, chainId, nonce, gasPrice: fee.gasPrice, from: from.address };
  const senderSigned = signKaiaTx(fields, from.signer);
  const raw = plan.feePayer === undefined ? senderSigned : signAsFeePayer(senderSigned, plan.feePayer.signer, plan.feePayer.address);
  return { raw, hash: kaiaTxHash(raw) };
}

/** Signs a plan with the current gas price and tells it. */
function signPlanned(plan: KaiaTxPlan, from: TestAccount, nonce: number, setup: KaiaSetup): SignedTx {
  const signed = signKaiaPlan(plan, from, nonce, setup.fees.current(), setup.chainId);
  plan.onSigned?.(signed);
  return signed;
}

/** Any transaction from a test account, signed by the test case (Kaia's own types go through sendKaiaTx). */
export interface SignedPlan {
  sign(nonce: number): SignedTx;
  readonly followUps?: readonly FollowUp[];
  readonly onSettled?: (settlement: Settlement) => void;
  /** false: no re-send may stand in for it (see SendRequest.replaceable). */
  readonly replaceable?: boolean;
}

/**
 * Leases a sender, asks `build` how to sign from it, and sends at its nonce with
 * `<namespace>_sendRawTransaction`. Returns null when the user was stopped while waiting for
 * a free account (nothing recorded).
 */
export async function sendFromTestAccount(user: User, setup: KaiaSetup, build: (from: TestAccount) => SignedPlan): Promise<KaiaSendAttempt | null> {
  const lease = await setup.accounts.nonces.lease(user.signal);
  if (lease === null) return null;
  const from = lease.account;
  let planned: SignedPlan;
  try {
    planned = build(from);
  } catch (err) {
    lease.release('unused');
    throw err;
  }
  const result = await sendUnderLease({
    user,
    rpc: setup.rpc,
    label: setup.label,
    method: setup.sendMethod,
    lease,
    fees: setup.fees,
    tracker: setup.accounts.tracker,
    sign: (nonce) => planned.sign(nonce),
    onSettled: planned.onSettled,
    followUps: planned.followUps,
    replaceable: planned.replaceable,
  });
  if (!result.accepted && result.reason === 'overloaded') await backOff(user.signal);
  return { from, result };
}

/** Leases a sender, asks `plan` what Kaia type to send from it, signs at its nonce and sends (see sendFromTestAccount). */
export function sendKaiaTx(user: User, setup: KaiaSetup, plan: (from: TestAccount) => KaiaTxPlan): Promise<KaiaSendAttempt | null> {
  return sendFromTestAccount(user, setup, (from) => {
    const planned = plan(from);
    return {
      sign: (nonce) => signPlanned(planned, from, nonce, setup),
      onSettled: planned.onSettled,
      followUps: planned.followUps?.map(({ nonceOffset, plan: next }) => ({ nonceOffset, sign: (nonce) => signPlanned(next, from, nonce, setup) })),
    };
  });
}

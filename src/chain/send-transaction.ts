/**
 * One transaction sent from a leased test account, timed and recorded, with the send's
 * outcome applied to the account's nonce, and handed to the inclusion tracker, which records
 * what the chain does with it under type `mined`. Every transaction test case sends through
 * here: pass a `sign` that builds a call instead of a transfer, or one that hands the node a
 * transaction to sign itself (node-signing.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import type { User } from '../runner/task.js';
import type { CallLabel } from '../runner/timed-call.js';
import type { Recorder } from '../stats/recorder.js';
import { errorMessage } from '../util/errors.js';
import { type FeeOracle, maxPricePerGas } from './chain-context.js';
import type { InclusionTracker } from './inclusion/inclusion-tracker.js';
import type { Expectation } from './inclusion/types.js';
import type { NodeSignedTx } from './node-signing.js';
import type { Lease, LeaseOutcome } from './nonce-manager.js';
import { classifySendError, type SendErrorClass } from './send-errors.js';
import type { SignedTx } from './signing/sign-transfer.js';

/** A user whose send met a full pool or a rate limit pauses this long before its next iteration. */
export const OVERLOAD_BACKOFF_MS = 1_000;

const TX_HASH = /^0x[0-9a-fA-F]{64}$/;

export interface SendRequest<A> {
  user: User;
  rpc: JsonRpcClient;
  /** Recorded as type = the send method (e.g. eth_sendRawTransaction), name = the test case. */
  label: CallLabel;
  /** The send method, e.g. "eth_sendRawTransaction" or "kaia_sendRawTransaction". */
  method: string;
  /** Released here, whatever happens. */
  lease: Lease<A>;
  /** Builds and signs the transaction for this nonce (or builds it for the node to sign). */
  sign(nonce: number): Outgoing;
  /** Told when the node says the fee is too low. */
  fees: FeeOracle;
  /** Follows the transaction into a block (or out of the pool). */
  tracker: InclusionTracker;
  /** Told once what the chain did with an accepted transaction (see InclusionTracker). */
  onSettled?: Expectation['onSettled'];
  /** false: the caller checks this very transaction, so no re-send may stand in for it (default true). */
  replaceable?: boolean;
  /**
   * false: record only failures here and leave the success to the caller (a test case whose
   * latency runs to confirmation). Default true.
   */
  recordSuccess?: boolean;
  /**
   * Transactions sent under the same lease once the first is accepted, in order, each only
   * while the ones before it were accepted (a ValueTransfer's Cancel, KIP-247's swap after
   * its approve). Each is recorded under `label` and followed by the tracker like the first.
   */
  followUps?: readonly FollowUp[];
}

/** A transaction that goes with the first one of a send (see SendRequest.followUps). */
export interface FollowUp {
  /**
   * Its nonce is the first one's plus this. 0: it replaces the first in the pool, so the
   * tracker knows the two as one transaction and only one can be mined (Kaia lets a Cancel
   * replace whatever is pending at its nonce); 1: it follows the first.
   */
  readonly nonceOffset: 0 | 1;
  sign(nonce: number): SignedTx;
}

/** What goes out: signed bytes with their hash, or a transaction the node signs (its hash known only from the answer). */
export type Outgoing = SignedTx | NodeSignedTx;

/** The send method's one parameter. */
function sendParam(out: Outgoing): unknown {
  return out.hash === null ? out.request : out.raw;
}

export type SendResult =
  | { readonly accepted: true; readonly hash: string; readonly startedAt: number }
  | { readonly accepted: false; readonly reason: SendErrorClass | 'nonce-read' | 'at-limit' };

/**
 * Sends under the lease. Success means the node's pool holds the transaction: the call
 * returned a hash, or the node said it already knows it. Only the send call is timed.
 */
export async function sendUnderLease<A>(request: SendRequest<A>): Promise<SendResult> {
  const { user, rpc, label, method, lease } = request;
  let outcome: LeaseOutcome = 'resync';
  /** Consecutive nonces the pool holds from this lease's (follow-ups at the next nonce add one). */
  let count = 1;
  try {
    const readStart = performance.now();
    let nonce: number | null;
    try {
      nonce = await lease.nonce();
    } catch (err) {
      user.recorder.failure(label.type, label.name, performance.now() - readStart, `nonce read failed: ${errorMessage(err)}`);
      return { accepted: false, reason: 'nonce-read' };
    }
    if (nonce === null) {
      // At --max-pending with nothing left to re-send: no request, nothing recorded.
      outcome = 'unused';
      return { accepted: false, reason: 'at-limit' };
    }
    const signed = request.sign(nonce);
    // The quote `sign` just used: the oracle changes it only between turns of the event loop.
    const maxPrice = maxPricePerGas(request.fees.current());
    // One clock read times the send and starts its inclusion time (the tracker's registration,
    // a microsecond, then counts in the send's time: a clock read of its own cost a tenth of that).
    const startedAt = performance.now();
    // Known before the send: a node that mines at once may put it in a block before it answers
    // (one the node signs too: the tracker then remembers the blocks until the answer).
    const ticket = request.tracker.expect({
      hash: signed.hash,
      digest: signed.digest,
      account: lease.tracked,
      nonce,
      name: label.name,
      onSettled: request.onSettled,
      replaceable: request.replaceable,
      maxPrice,
      sentAt: startedAt,
      resend: (at, paid, recorder) => void resendAt(request, at, paid, recorder),
    });
    let bytes = 0;
    let result: unknown;
    let error: unknown;
    try {
      ({ result, bytes } = await rpc.call(method, [sendParam(signed)]));
    } catch (err) {
      error = err;
    }
    const ms = performance.now() - startedAt;
    if (error === undefined) {
      if (typeof result !== 'string' || !TX_HASH.test(result)) {
        // Accepted or not, the nonce's fate is unknown: leave `outcome` at resync.
        ticket.uncertain();
        user.recorder.failure(label.type, label.name, ms, `invalid ${method} result: not a transaction hash`);
        return { accepted: false, reason: 'rejected' };
      }
      outcome = 'sent';
      // The node's hash is what its blocks and receipts answer to (it is also ours on Ethereum types).
      ticket.accepted(result);
      if (request.recordSuccess !== false) user.recorder.success(label.type, label.name, ms, bytes);
      if (request.followUps !== undefined) ({ outcome, count } = await sendFollowUps(request, nonce));
      return { accepted: true, hash: result, startedAt };
    }
    const kind = classifySendError(error);
    if (kind === 'already-known' && signed.hash !== null) {
      outcome = 'sent';
      ticket.accepted(signed.hash);
      if (request.recordSuccess !== false) user.recorder.success(label.type, label.name, ms, 0);
      if (request.followUps !== undefined) ({ outcome, count } = await sendFollowUps(request, nonce));
      return { accepted: true, hash: signed.hash, startedAt };
    }
    // A transaction the node signs and says it already holds: held, but under a hash it did not say.
    if (kind === 'uncertain' || kind === 'already-known') ticket.uncertain();
    else ticket.refused();
    user.recorder.failure(label.type, label.name, ms, errorMessage(error));
    if (kind === 'overloaded') outcome = 'unused';
    // Priced below what the node takes now (its base fee jumped): this user waits for the new
    // quote instead of sending more transactions the node will refuse.
    if (kind === 'underpriced') await request.fees.refresh();
    return { accepted: false, reason: kind };
  } finally {
    lease.release(outcome, count);
  }
}

/**
 * The follow-ups of an accepted first transaction at `nonce`, in order while each is
 * accepted; recorded on the user. Returns what the lease then holds.
 */
async function sendFollowUps<A>(request: SendRequest<A>, nonce: number): Promise<{ outcome: LeaseOutcome; count: number }> {
  let count = 1;
  for (const followUp of request.followUps ?? []) {
    const at = nonce + followUp.nonceOffset;
    const sent = await sendAt(request, at, followUp.sign(at), request.user.recorder);
    if (sent === 'accepted') {
      count = Math.max(count, followUp.nonceOffset + 1);
      continue;
    }
    // At a new nonce and unanswered, it may be in the pool: read the nonce again before reuse.
    if (sent === 'uncertain' && followUp.nonceOffset > 0) return { outcome: 'resync', count };
    break;
  }
  return { outcome: 'sent', count };
}

/**
 * `request`'s transaction signed again at `nonce` with the current fee, sent and recorded on
 * `recorder` (the inclusion tracker's, once the user has stopped); skipped unless the fee is
 * 10 % above `paid`, the least a node takes to replace a transaction. The tracker knows it
 * as a re-send of the one it replaces (the transaction at `nonce` may have been another of the
 * same test case and account: the tracker keeps one re-sender per account and test case).
 */
async function resendAt<A>(request: SendRequest<A>, nonce: number, paid: bigint, recorder: Recorder): Promise<void> {
  if (maxPricePerGas(request.fees.current()) * 10n < paid * 11n) return;
  // What stands at the nonce in the end: the last follow-up that replaces the first, if any.
  const last = request.followUps?.filter((f) => f.nonceOffset === 0).at(-1) ?? request;
  await sendAt(request, nonce, last.sign(nonce), recorder, { staleIsMoot: true });
}

type SendAtResult = 'accepted' | 'refused' | 'uncertain';

/**
 * One more transaction of `request` at `nonce` (a re-send or a follow-up): followed by the
 * tracker (as the same transaction when one of the account's is pending at that nonce),
 * sent, and recorded on `recorder`. `staleIsMoot`: a "nonce too low" or underpriced refusal is
 * not recorded (a re-send whose transaction was mined meanwhile, or that the pool outranks).
 */
async function sendAt<A>(
  request: SendRequest<A>,
  nonce: number,
  signed: Outgoing,
  recorder: Recorder,
  options: { staleIsMoot?: boolean } = {},
): Promise<SendAtResult> {
  const { label, method } = request;
  const startedAt = performance.now();
  const ticket = request.tracker.expect({
    hash: signed.hash,
    digest: signed.digest,
    account: request.lease.tracked,
    nonce,
    name: label.name,
    replaceable: request.replaceable,
    maxPrice: maxPricePerGas(request.fees.current()),
    sentAt: startedAt,
  });
  try {
    const { result, bytes } = await request.rpc.call(method, [sendParam(signed)]);
    const ms = performance.now() - startedAt;
    if (typeof result !== 'string' || !TX_HASH.test(result)) {
      ticket.uncertain();
      recorder.failure(label.type, label.name, ms, `invalid ${method} result: not a transaction hash`);
      return 'uncertain';
    }
    ticket.accepted(result);
    recorder.success(label.type, label.name, ms, bytes);
    return 'accepted';
  } catch (error) {
    const ms = performance.now() - startedAt;
    const kind = classifySendError(error);
    if (kind === 'already-known' && signed.hash !== null) {
      ticket.accepted(signed.hash);
      recorder.success(label.type, label.name, ms, 0);
      return 'accepted';
    }
    if (kind === 'uncertain' || kind === 'already-known') ticket.uncertain();
    else ticket.refused();
    // A re-send's transaction was mined meanwhile (nonce too low), or the pool keeps it at a
    // price this one does not beat: the re-send is moot, not a failure of the test.
    if (!(kind === 'stale-nonce' && options.staleIsMoot === true)) recorder.failure(label.type, label.name, ms, errorMessage(error));
    return kind === 'uncertain' ? 'uncertain' : 'refused';
  }
}

/** The pause after an overloaded node, cut short when the user is stopped. */
export async function backOff(signal: AbortSignal): Promise<void> {
  await sleep(OVERLOAD_BACKOFF_MS, undefined, { signal }).catch(() => undefined);
}

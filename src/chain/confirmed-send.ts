/**
 * A transaction that counts only once it is mined. The send is timed and the user moves on
 * at once; the outcome is recorded once, when the inclusion tracker settles it: mined with a
 * receipt of status 1 that passes the caller's check is a success, timed from the send to the
 * block; anything else (reverted, failed check, dropped, or not mined within the caller's
 * timeout) is a failure. A failed send is recorded as it happens, as always. Failure messages
 * name no hash or address: Locust groups failures by message.
 *
 * Bounded by construction: the account's lease is held until the outcome is known (see
 * held-lease.ts), so at most one check per test account is ever in flight, and users that
 * find every account busy wait in the lease queue.
 */
import { errorMessage } from '../util/errors.js';
import { type HeldLease, holdLease } from './held-lease.js';
import type { Settlement as ChainSettlement } from './inclusion/types.js';
import type { LeaseOutcome } from './nonce-manager.js';
import { readReceipt, type Receipt } from './receipt-wait.js';
import { type SendRequest, type SendResult, sendUnderLease } from './send-transaction.js';

/** How a confirmed send ended, for callers that keep state about it (e.g. who owns a token). */
export type Settlement =
  /** Mined; `executed` is status 1. */
  | { readonly kind: 'mined'; readonly receipt: Receipt; readonly executed: boolean }
  /** The node refused it, or dropped it: it is not on the chain. */
  | { readonly kind: 'refused' }
  /** It may or may not be mined some day (no answer to the send, or its test ended first). */
  | { readonly kind: 'unknown' };

/** A send as `sendUnderLease` takes it, except that the lease is held until the outcome is known. */
export interface ConfirmedSendRequest<A> extends Pick<SendRequest<A>, 'user' | 'rpc' | 'label' | 'method' | 'lease' | 'sign' | 'fees' | 'tracker'> {
  /** e.g. eth_getTransactionReceipt: read once the tracker has seen the block. */
  receiptMethod: string;
  /** Why a status-1 receipt still does not count (wrong type, no contract address, state read back...), or undefined. */
  check?(receipt: Receipt): string | undefined | Promise<string | undefined>;
  /**
   * Not mined this long after the send: a failure of the send row then (the account stays
   * held until the chain settles it, and the mined row still says what the chain did).
   */
  timeoutMs?: number;
  /** Told how it ended, just before the account is released. */
  onSettled?: (settlement: Settlement) => void;
}

/** Sends; resolves when the node has answered the send (the confirmation goes on in the background). */
export async function sendConfirmed<A>(request: ConfirmedSendRequest<A>): Promise<SendResult> {
  const { user, label, onSettled } = request;
  const held = holdLease(request.lease);
  let chainSettled: (s: ChainSettlement) => void = () => undefined;
  const settledOnChain = new Promise<ChainSettlement>((resolve) => (chainSettled = resolve));
  // The tracker is handed the end of the work below: a drain waits for the outcome's record.
  let recorded: () => void = () => undefined;
  const outcomeRecorded = new Promise<void>((resolve) => (recorded = resolve));
  const onChain = (s: ChainSettlement): Promise<void> => {
    chainSettled(s);
    return outcomeRecorded;
  };
  let sent: SendResult;
  try {
    sent = await sendUnderLease({ ...request, lease: held.lease, recordSuccess: false, onSettled: onChain, replaceable: false });
  } catch (err) {
    // e.g. signing threw: nothing was sent, and the account must not stay leased.
    recorded();
    settleWith(held, { kind: 'refused' }, undefined, onSettled);
    throw err;
  }
  if (!sent.accepted) {
    // Its failure is recorded; nothing more will be, even should a block hold it after all.
    recorded();
    settleWith(held, sent.reason === 'uncertain' ? { kind: 'unknown' } : { kind: 'refused' }, undefined, onSettled);
    return sent;
  }
  const { startedAt, hash } = sent;
  // Set when the timeout has recorded this send as a failure: nothing more is recorded for it.
  let late = false;
  const timer =
    request.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          late = true;
          user.recorder.failure(label.type, label.name, performance.now() - startedAt, `not mined within ${request.timeoutMs! / 1000} s`);
        }, request.timeoutMs);
  const succeed = (ms: number, bytes: number): void => {
    if (!late) user.recorder.success(label.type, label.name, ms, bytes);
  };
  const fail = (ms: number, message: string): void => {
    if (!late) user.recorder.failure(label.type, label.name, ms, message);
  };
  const recordOutcome = async (settled: ChainSettlement): Promise<void> => {
    clearTimeout(timer);
    if (settled.kind === 'unresolved') {
      // Its test ended first: nothing is recorded, and the nonce is read again before reuse.
      settleWith(held, { kind: 'unknown' }, 'resync', onSettled);
      return;
    }
    if (settled.kind === 'dropped') {
      fail(performance.now() - startedAt, settled.reason);
      // The tracker heals the account's nonces before it is leased again.
      settleWith(held, { kind: 'refused' }, 'sent', onSettled);
      return;
    }
    const ms = settled.at - startedAt;
    const read = await readReceipt(request.rpc, request.receiptMethod, hash);
    if (read === null) {
      fail(ms, `mined, but ${request.receiptMethod} has no receipt for it`);
      settleWith(held, { kind: 'unknown' }, 'sent', onSettled);
      return;
    }
    const { receipt, bytes } = read;
    const executed = receipt.status === '0x1';
    let problem: string | undefined;
    try {
      problem = executed ? await request.check?.(receipt) : receipt.status === undefined ? 'the receipt has no status' : `reverted (status ${receipt.status})`;
    } catch (err) {
      problem = `check failed: ${errorMessage(err)}`;
    }
    if (problem === undefined) succeed(ms, bytes);
    else fail(ms, problem);
    // Mined: the next nonce follows it.
    settleWith(held, { kind: 'mined', receipt, executed }, 'sent', onSettled);
  };
  void settledOnChain.then(async (settled) => {
    try {
      await recordOutcome(settled);
    } finally {
      recorded();
    }
  });
  return sent;
}

/** Tells the caller, then releases the account whatever the caller does. */
function settleWith<A>(held: HeldLease<A>, settlement: Settlement, outcome: LeaseOutcome | undefined, onSettled: ((s: Settlement) => void) | undefined): void {
  try {
    onSettled?.(settlement);
  } finally {
    held.settle(outcome);
  }
}

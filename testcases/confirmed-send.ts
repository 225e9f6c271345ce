/**
 * A transaction that counts only once it is mined. The send is timed and the user moves on
 * at once; the outcome is recorded once, when the receipt arrives (status 1 and the caller's
 * check: success, timed from the send to the receipt; anything else: failure) or when the
 * receipt timeout passes (failure). A failed send is recorded as it happens, as always.
 * Failure messages name no hash or address: Locust groups failures by message.
 *
 * Bounded by construction: the account's lease is held until the outcome is known (see
 * held-lease.ts), so at most one check per test account is ever in flight, and users that
 * find every account busy wait in the lease queue.
 */
import { holdLease, type HeldLease } from './held-lease.js';
import type { Lease, LeaseOutcome } from './nonce-manager.js';
import type { Receipt } from './receipt-wait.js';
import type { ReceiptWatcher } from './receipt-watcher.js';
import { sendUnderLease, type SendRequest, type SendResult } from './send-transaction.js';

/** How a confirmed send ended, for callers that keep state about it (e.g. who owns a token). */
export type Settlement =
  /** Mined; `executed` is status 1. */
  | { readonly kind: 'mined'; readonly receipt: Receipt; readonly executed: boolean }
  /** The node refused it: it never reached the pool. */
  | { readonly kind: 'refused' }
  /** It may or may not be mined some day (send or wait timed out, or the watcher closed). */
  | { readonly kind: 'unknown' };

/** A send as `sendUnderLease` takes it, except that the lease is held until the outcome is known. */
export interface ConfirmedSendRequest<A> extends Pick<SendRequest<A>, 'user' | 'rpc' | 'label' | 'method' | 'lease' | 'sign' | 'fees'> {
  watcher: ReceiptWatcher;
  /** From the send's start. */
  timeoutMs: number;
  /** Why a status-1 receipt still does not count (wrong type, no contract address...), or undefined. */
  check?(receipt: Receipt): string | undefined;
  /** Told how it ended, just before the account is released. */
  onSettled?(settlement: Settlement): void;
}

/** Sends; resolves when the node has answered the send (the confirmation goes on in the background). */
export async function sendConfirmed<A>(request: ConfirmedSendRequest<A>): Promise<SendResult> {
  const { user, label, watcher, timeoutMs, onSettled } = request;
  const held = holdLease(request.lease);
  let sent: SendResult;
  try {
    sent = await sendUnderLease({ ...request, lease: held.lease, recordSuccess: false });
  } catch (err) {
    // e.g. signing threw: nothing was sent, and the account must not stay leased.
    settleWith(held, { kind: 'refused' }, undefined, onSettled);
    throw err;
  }
  if (!sent.accepted) {
    settleWith(held, sent.reason === 'uncertain' ? { kind: 'unknown' } : { kind: 'refused' }, undefined, onSettled);
    return sent;
  }
  const { startedAt } = sent;
  void watcher.watch(sent.hash, startedAt + timeoutMs).then((waited) => {
    // A stopped user's outcome is not counted: by then its run may be over, or a new one begun.
    const live = !user.signal.aborted;
    if (waited.kind === 'receipt') {
      const { receipt } = waited;
      const executed = receipt.status === '0x1';
      const problem = executed ? request.check?.(receipt) : receipt.status === undefined ? 'the receipt has no status' : `reverted (status ${receipt.status})`;
      const ms = waited.at - startedAt;
      if (live) {
        if (problem === undefined) user.recorder.success(label.type, label.name, ms, waited.bytes);
        else user.recorder.failure(label.type, label.name, ms, problem);
      }
      // Mined: the next nonce follows it.
      settleWith(held, { kind: 'mined', receipt, executed }, 'sent', onSettled);
      return;
    }
    if (waited.kind === 'timeout' && live) {
      const why = waited.lastError === null ? '' : ` (last poll: ${waited.lastError})`;
      user.recorder.failure(label.type, label.name, performance.now() - startedAt, `no receipt within ${timeoutMs / 1000} s${why}`);
    }
    settleWith(held, { kind: 'unknown' }, 'resync', onSettled);
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

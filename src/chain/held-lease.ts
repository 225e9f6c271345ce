/**
 * A nonce lease kept past the send. `sendUnderLease` releases its lease as soon as the node
 * answers; a test case that confirms its transaction hands it a held lease instead, so the
 * account stays out of the pool until the receipt is in. That bounds the checks in flight by
 * the number of accounts, makes waiting users the backpressure, and means the account's next
 * nonce always follows a mined transaction.
 */
import type { Lease, LeaseOutcome } from './nonce-manager.js';

export interface HeldLease<A> {
  /** Give this to the sender: its release only notes the outcome. */
  readonly lease: Lease<A>;
  /** Releases the real lease, with `outcome` or else what the sender reported. */
  settle(outcome?: LeaseOutcome): void;
}

export function holdLease<A>(real: Lease<A>): HeldLease<A> {
  // Until the sender says otherwise, nothing is known about the nonce.
  let reported: LeaseOutcome | null = null;
  return {
    lease: {
      account: real.account,
      tracked: real.tracked,
      nonce: () => real.nonce(),
      release: (outcome) => {
        reported ??= outcome;
      },
    },
    settle: (outcome) => real.release(outcome ?? reported ?? 'resync'),
  };
}

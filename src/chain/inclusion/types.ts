/**
 * What the inclusion tracker (inclusion-tracker.ts) and its users say to each other: a
 * transaction to follow, the ticket its send answers, how it settled, the account view the
 * nonce manager gives it, and the tracker's record of an account, which that view carries.
 */
import type { Recorder } from '../../stats/recorder.js';

/** The Locust request type of the rows that say what the chain did with the transactions. */
export const MINED_TYPE = 'mined';

export type Settlement =
  | {
      readonly kind: 'mined';
      readonly blockNumber: number;
      /** performance.now() when the worker saw the block */
      readonly at: number;
      /** The hash the chain holds it by (a re-sent transaction's differs from its first). */
      readonly hash: string;
    }
  | { readonly kind: 'dropped'; readonly reason: string }
  /** Still waiting for the chain when its test ended (the transaction is still followed for the counters and the nonces). */
  | { readonly kind: 'unresolved' };

/** Where an account's nonces go on after a heal: the gaps to fill first (ascending), then `next`. */
export interface NoncePlan {
  readonly holes: readonly number[];
  readonly next: number;
}

/** The tracker's view of a test account, implemented by the nonce manager's own state of the account (nonce-slot.ts). */
export interface NonceAccount {
  readonly address: string;
  /**
   * The inclusion tracker that follows the account (an identity, nothing to call) and the
   * account's id there, which the handle carries for it: a send finds the account's books
   * with two reads of the handle its lease has just touched. (A Map keyed by the handle, read
   * cold a couple of hundred sends apart, cost about a point of the worker's throughput, and
   * a record object read cold about one more: bench/README.md §5b.) undefined and -1 until the
   * account's first send; set by the one tracker that follows the account, read by nothing else.
   */
  trackedBy: object | undefined;
  trackerId: number;
  /** One more of its transactions is sent or waits for the chain (told as the send starts). */
  pendingAdded(): void;
  /** One of those was mined or dropped, or its send was refused. */
  pendingSettled(): void;
  /** Its nonce sequence broke: hold the account until no send is in flight, then follow `replan`. */
  heal(replan: () => Promise<NoncePlan>): void;
  /** Send at `nonce` again, at the next lease (a starved transaction, re-priced). */
  resend(nonce: number): void;
  /** No need any more: the transaction at `nonce` settled first. */
  cancelResend(nonce: number): void;
}

/** The inclusion tracker's record of an account that sent (its unsettled transactions are listed in the EntryTable by its id). */
export interface AccountState {
  readonly handle: NonceAccount;
  /** Its index in the tracker's EntryTable.accounts, and the id its handle carries. */
  readonly id: number;
  /** The last height that held one of its transactions. */
  progressAt: number;
  /** A check or heal is in flight: no second one. */
  busy: boolean;
  /** A re-sender of each test case sending from it, its first (see Expectation.resend). */
  readonly resenders: Map<string, Resend>;
}

/** A transaction about to be sent. */
export interface Expectation {
  /**
   * The hash the chain will know it by, computed at signing: lower-case 0x hex, as every signer
   * here makes it (not lower-cased again: a signer's `0x${hex}` is a cons string, and
   * toLowerCase on it went through V8's runtime, a third of what following a transaction cost).
   * null: the node signs it (eth_sendTransaction), so only the send's answer says its hash; the
   * blocks seen while that answer is awaited are remembered, so one that holds the transaction
   * before the node answers is not missed.
   */
  readonly hash: string | null;
  /** The same hash's 32 bytes, when the signer kept them (SignedTx.digest): filed as they are, not read back from the hex. */
  readonly digest?: Uint8Array;
  readonly account: NonceAccount;
  readonly nonce: number;
  /** The test case: the name of its `mined` row. */
  readonly name: string;
  /**
   * Told once how it ended (mined, dropped, or unresolved at the end of its test). A promise it
   * returns is work the test case still does before recording the transaction (a receipt read,
   * a check): a drain waits for it too, so that record lands in the transaction's own test.
   */
  readonly onSettled?: (settlement: Settlement) => void | Promise<void>;
  /**
   * Whether another transaction at the same nonce may stand in for it when it starves
   * (default true). A test case that checks its own transaction's effects says false.
   */
  readonly replaceable?: boolean;
  /** The most it pays per gas (fee cap or gas price): a re-send must offer more. */
  readonly maxPrice: bigint;
  /** performance.now() as its send starts (the send's own clock read); now, when not given. */
  readonly sentAt?: number;
  /**
   * Signs a transaction of the same test case from the same account at `nonce` with the current
   * fee (skipped unless it offers 10 % more than `paid`) and sends it, recording the send on
   * `recorder`. Used while a stopped test drains: no user is left to take a re-send from the
   * nonce manager, and a starved transaction would otherwise be priced out of the pool.
   * The tracker keeps one per account and test case (the first), not one per transaction: a
   * closure held by every transaction until its block kept each send's request alive across
   * young-generation collections and cost the worker a third more GC time.
   */
  readonly resend?: Resend;
}

export type Resend = (nonce: number, paid: bigint, recorder: Recorder) => void;

/** What the send did; exactly one call. */
export interface Ticket {
  /** The node accepted it (or already knew it); `nodeHash` is what it answered. */
  accepted(nodeHash: string): void;
  /** No answer (timeout, reset): followed silently, and counted only if a block holds it. */
  uncertain(): void;
  /** The node refused it: it never reached the pool. */
  refused(): void;
}

/**
 * The process's transactions: accepted == mined + dropped + unresolved. `resent` counts the
 * accepted re-sends (of starved or priced-out transactions, or of the same bytes again; each
 * stands in for one of `accepted`), so the send rows' successes are accepted + resent.
 */
export interface TransactionCounts {
  accepted: number;
  mined: number;
  dropped: number;
  unresolved: number;
  resent: number;
}

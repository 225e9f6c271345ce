/**
 * One account's nonce state in the NonceManager, which is also the account's handle for the
 * inclusion tracker (NonceAccount). One object for both, not a handle of closures beside the
 * state: every send tells the handle it is pending (`pendingAdded`) and the tracker reads its
 * id off it, right after the lease has touched this object; a separate handle, and the
 * closure object its method was, were read cold (an account is used about once in a couple of
 * hundred sends) and cost about 0.4 µs a send in a profile of the tracked worker
 * (bench/README.md §5b).
 */
import type { NonceAccount, NoncePlan } from './inclusion/types.js';

/** What a slot asks of the manager that owns it when the tracker tells it something. */
export interface SlotOwner<A extends { readonly address: string }> {
  /** The slot may have become available: hand it to a waiting user or queue it. */
  offer(slot: NonceSlot<A>): void;
  /** Follow the slot's heal now (its lease has ended). */
  runHeal(slot: NonceSlot<A>): void;
}

export class NonceSlot<A extends { readonly address: string }> implements NonceAccount {
  readonly account: A;
  readonly address: string;
  /** null: unknown, read it from the node before use. */
  nonce: number | null = null;
  /** Nonces to fill before `nonce` (gaps left by dropped transactions), ascending. */
  holes: number[] = [];
  /** Nonces of starved transactions to send again (they hold their place in `pending`), ascending. */
  resends: number[] = [];
  /** Its transactions sent and not yet settled (told by the inclusion tracker). */
  pending = 0;
  leased = false;
  /** In the free queue (entries that became unavailable there are skipped when met). */
  queued = false;
  /** A heal waiting for the lease to end, or running. */
  healing: (() => Promise<NoncePlan>) | 'running' | null = null;
  trackedBy: object | undefined = undefined;
  trackerId = -1;
  readonly #owner: SlotOwner<A>;

  constructor(account: A, owner: SlotOwner<A>) {
    this.account = account;
    this.address = account.address;
    this.#owner = owner;
  }

  pendingAdded(): void {
    this.pending += 1;
  }

  pendingSettled(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.#owner.offer(this);
  }

  heal(replan: () => Promise<NoncePlan>): void {
    if (this.healing !== null) return;
    this.healing = replan;
    if (!this.leased) this.#owner.runHeal(this);
  }

  resend(nonce: number): void {
    if (this.resends.includes(nonce)) return;
    this.resends = [...this.resends, nonce].sort((x, y) => x - y);
    this.#owner.offer(this);
  }

  cancelResend(nonce: number): void {
    this.resends = this.resends.filter((n) => n !== nonce);
  }
}

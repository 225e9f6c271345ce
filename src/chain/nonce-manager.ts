/**
 * Local nonces for the test accounts, and the leases that keep one send in flight per
 * account. A user leases a free account, sends with its nonce, and releases it saying what
 * happened; the counter moves on only for a transaction the pool holds. When the outcome is
 * unknown the account is resynced from the node ("pending" count) before its next use:
 * never "+1 and hope".
 *
 * Backpressure: with `maxPending` N, an account with N transactions waiting for the chain is
 * not leased until the inclusion tracker settles one (users wait in order meanwhile), so the
 * node's pool holds at most accounts × N of ours. After a drop the tracker heals the account:
 * it is held out of the pool until the new nonce plan (gaps first) is known.
 */
import { Waiter, WaiterQueue } from '../util/waiter-queue.js';
import type { NonceAccount } from './inclusion/types.js';
import { NonceSlot, type SlotOwner } from './nonce-slot.js';

/** What became of the transaction sent under a lease. */
export type LeaseOutcome =
  /** The pool holds it (accepted, or "already known"): the next nonce follows it. */
  | 'sent'
  /** Nothing was sent, or the pool refused it for a reason that leaves the nonce unused. */
  | 'unused'
  /** Unknown or stale: read the nonce from the node before the account's next use. */
  | 'resync';

/** Reads an account's transaction count including the pool ("pending"). */
export type PendingNonceReader = (address: string) => Promise<number>;

export interface Lease<A> {
  readonly account: A;
  /** The account as the inclusion tracker sees it. */
  readonly tracked: NonceAccount;
  /**
   * The nonce to send with. Reads the pending count from the node first when the account is
   * new or was marked for resync; a failed read rejects (release the lease with 'resync').
   * null: nothing may be sent (release it 'unused'): the account was leased at --max-pending
   * for a re-send, and the transaction to re-send settled before this was asked.
   */
  nonce(): Promise<number | null>;
  /**
   * Ends the lease. Only the first call counts, so a `finally` may release as a safety net.
   * `count`: with 'sent', how many consecutive nonces from the one issued the pool now holds
   * (a pair of transactions that must follow each other, e.g. KIP-247's approve and swap);
   * default 1.
   */
  release(outcome: LeaseOutcome, count?: number): void;
}

export interface NonceManagerOptions {
  /** Transactions per account waiting for the chain before it is held back; 0: no limit. */
  maxPending?: number;
}

export class NonceManager<A extends { readonly address: string }> {
  readonly #read: PendingNonceReader;
  readonly #maxPending: number;
  readonly #slots: NonceSlot<A>[];
  /** Free accounts, least recently released first, so use spreads evenly. */
  readonly #free = new Queue<NonceSlot<A>>();
  /** Users waiting for an account, first come first served; a stopped user's wait ends with null. */
  readonly #waiters = new WaiterQueue<Lease<A> | null>(null);
  #heldBackWaits = 0;

  constructor(accounts: readonly A[], readPendingNonce: PendingNonceReader, options: NonceManagerOptions = {}) {
    if (accounts.length === 0) throw new RangeError('a nonce manager needs at least one account');
    this.#read = readPendingNonce;
    this.#maxPending = options.maxPending ?? 0;
    const owner: SlotOwner<A> = { offer: (slot) => this.#offer(slot), runHeal: (slot) => void this.#runHeal(slot) };
    this.#slots = accounts.map((account) => new NonceSlot(account, owner));
    for (const slot of this.#slots) this.#enqueue(slot);
  }

  /** All managed accounts, in derivation order. */
  get accounts(): readonly A[] {
    return this.#slots.map((s) => s.account);
  }

  /** Accounts that can be leased right now. */
  get freeCount(): number {
    let n = 0;
    for (const slot of this.#free.items()) if (slot.queued && this.#available(slot)) n++;
    return n;
  }

  /** Users waiting for an account. */
  get waitingCount(): number {
    return this.#waiters.size;
  }

  /**
   * Leases so far that waited while an account no user held sat at --max-pending: the limit,
   * not the number of users or a heal, made them wait (max-pending-watch.ts).
   */
  get heldBackWaits(): number {
    return this.#heldBackWaits;
  }

  /**
   * Leases a free account, waiting first-come first-served while all are busy. Resolves
   * null when `signal` aborts first (the caller is being stopped).
   */
  lease(signal?: AbortSignal): Promise<Lease<A> | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const slot = this.#takeFree();
    if (slot !== undefined) return Promise.resolve(this.#grant(slot));
    // A scan of the accounts, but only by a user about to wait (the slow path: a promise each).
    if (this.#maxPending > 0 && this.#slots.some((s) => this.#atLimit(s))) this.#heldBackWaits += 1;
    const waiter = new Waiter<Lease<A> | null>();
    if (signal === undefined) return this.#waiters.wait(waiter);
    const onAbort = (): void => waiter.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    return this.#waiters.wait(waiter).finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** A free account now, or null if none can be leased. */
  tryLease(): Lease<A> | null {
    const slot = this.#takeFree();
    return slot === undefined ? null : this.#grant(slot);
  }

  /** Forgets every local nonce, e.g. after something else may have spent from the accounts. */
  resyncAll(): void {
    for (const slot of this.#slots) {
      slot.nonce = null;
      slot.holes = [];
      slot.resends = [];
    }
  }

  #available(slot: NonceSlot<A>): boolean {
    // A re-send replaces a transaction already counted in `pending`: it may go at the limit.
    return !slot.leased && slot.healing === null && (this.#maxPending === 0 || slot.pending < this.#maxPending || slot.resends.length > 0);
  }

  /** Neither leased nor healing, and still not available: held back by the limit alone. */
  #atLimit(slot: NonceSlot<A>): boolean {
    return !slot.leased && slot.healing === null && !this.#available(slot);
  }

  #takeFree(): NonceSlot<A> | undefined {
    for (;;) {
      const slot = this.#free.shift();
      if (slot === undefined) return undefined;
      slot.queued = false;
      if (this.#available(slot)) return slot;
    }
  }

  #grant(slot: NonceSlot<A>): Lease<A> {
    let released = false;
    let issued: number | null = null;
    let from: 'resend' | 'hole' | 'next' = 'next';
    slot.leased = true;
    return {
      account: slot.account,
      tracked: slot,
      nonce: async () => {
        if (released) throw new Error('nonce() after release');
        from = slot.resends.length > 0 ? 'resend' : slot.holes.length > 0 ? 'hole' : 'next';
        // A new transaction past the limit would make the pool hold one more than --max-pending
        // (seen once: 3,201 for 200 accounts × 16).
        if (from === 'next' && this.#maxPending > 0 && slot.pending >= this.#maxPending) return null;
        if (from === 'resend') issued = slot.resends[0]!;
        else if (from === 'hole') issued = slot.holes[0]!;
        else {
          if (slot.nonce === null) slot.nonce = await this.#read(slot.account.address);
          issued = slot.nonce;
        }
        return issued;
      },
      release: (given, count = 1) => {
        if (released) return;
        released = true;
        slot.leased = false;
        // Past a gap or a re-send, the nonces after the issued one belong to other
        // transactions: what the pool holds there now is for the node to say.
        const outcome = given === 'sent' && count > 1 && from !== 'next' ? 'resync' : given;
        if (outcome === 'resync') {
          slot.nonce = null;
          slot.holes = [];
          slot.resends = [];
        } else if (outcome === 'sent') {
          if (issued === null) slot.nonce = null;
          else if (from === 'resend') slot.resends = slot.resends.filter((n) => n !== issued);
          else if (from === 'hole') slot.holes = slot.holes.filter((n) => n !== issued);
          else slot.nonce = issued + count;
        }
        if (slot.healing !== null && slot.healing !== 'running') void this.#runHeal(slot);
        else this.#offer(slot);
      },
    };
  }

  async #runHeal(slot: NonceSlot<A>): Promise<void> {
    const replan = slot.healing;
    if (replan === null || replan === 'running') return;
    slot.healing = 'running';
    try {
      const plan = await replan();
      slot.resends = [];
      slot.holes = [...plan.holes];
      slot.nonce = plan.next;
    } catch {
      // The chain could not be read: fall back to the node's pending count.
      slot.holes = [];
      slot.nonce = null;
    } finally {
      slot.healing = null;
      this.#offer(slot);
    }
  }

  /** Hands an account that has become available to the first waiting user, or queues it. */
  #offer(slot: NonceSlot<A>): void {
    if (!this.#available(slot)) return;
    if (this.#waiters.size > 0) this.#waiters.grantNext(this.#grant(slot));
    else this.#enqueue(slot);
  }

  #enqueue(slot: NonceSlot<A>): void {
    if (slot.queued) return;
    slot.queued = true;
    this.#free.push(slot);
  }
}

/** A FIFO with O(1) push and shift (Array#shift is O(n) and there may be many accounts). */
class Queue<T> {
  #items: (T | undefined)[];
  #head = 0;

  constructor(initial: readonly T[] = []) {
    this.#items = [...initial];
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    // Compact once the dead prefix dominates, keeping shifts amortised O(1).
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  *items(): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T;
  }
}

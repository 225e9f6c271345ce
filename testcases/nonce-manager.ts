/**
 * Local nonces for the test accounts, and the leases that keep one transaction in flight per
 * account. A user leases a free account, sends with its nonce, and releases it saying what
 * happened; the counter moves on only for a transaction the pool holds. When the outcome is
 * unknown the account is resynced from the node ("pending" count) before its next use:
 * never "+1 and hope".
 */

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
  /**
   * The nonce to send with. Reads the pending count from the node first when the account is
   * new or was marked for resync; a failed read rejects (release the lease with 'resync').
   */
  nonce(): Promise<number>;
  /** Ends the lease. Only the first call counts, so a `finally` may release as a safety net. */
  release(outcome: LeaseOutcome): void;
}

interface Slot<A> {
  readonly account: A;
  /** null: unknown, read it from the node before use. */
  nonce: number | null;
}

interface Waiter<A> {
  resolve(lease: Lease<A> | null): void;
  done: boolean;
}

export class NonceManager<A extends { readonly address: string }> {
  readonly #read: PendingNonceReader;
  readonly #slots: Slot<A>[];
  /** Free accounts, least recently released first, so use spreads evenly. */
  readonly #free: Queue<Slot<A>>;
  readonly #waiters = new Queue<Waiter<A>>();

  constructor(accounts: readonly A[], readPendingNonce: PendingNonceReader) {
    if (accounts.length === 0) throw new RangeError('a nonce manager needs at least one account');
    this.#read = readPendingNonce;
    this.#slots = accounts.map((account) => ({ account, nonce: null }));
    this.#free = new Queue(this.#slots);
  }

  /** All managed accounts, in derivation order. */
  get accounts(): readonly A[] {
    return this.#slots.map((s) => s.account);
  }

  /** Accounts not leased right now. */
  get freeCount(): number {
    return this.#free.length;
  }

  /** Users waiting for an account. */
  get waitingCount(): number {
    let n = 0;
    for (const w of this.#waiters.items()) if (!w.done) n++;
    return n;
  }

  /**
   * Leases a free account, waiting first-come first-served while all are busy. Resolves
   * null when `signal` aborts first (the caller is being stopped).
   */
  lease(signal?: AbortSignal): Promise<Lease<A> | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const slot = this.#free.shift();
    if (slot !== undefined) return Promise.resolve(this.#grant(slot));
    return new Promise((resolve) => {
      const waiter: Waiter<A> = { resolve, done: false };
      const onAbort = (): void => {
        if (waiter.done) return;
        waiter.done = true;
        resolve(null);
      };
      waiter.resolve = (lease) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** A free account now, or null if every account is leased. */
  tryLease(): Lease<A> | null {
    const slot = this.#free.shift();
    return slot === undefined ? null : this.#grant(slot);
  }

  /** Forgets every local nonce, e.g. after something else may have spent from the accounts. */
  resyncAll(): void {
    for (const slot of this.#slots) slot.nonce = null;
  }

  #grant(slot: Slot<A>): Lease<A> {
    let released = false;
    let issued: number | null = null;
    return {
      account: slot.account,
      nonce: async () => {
        if (released) throw new Error('nonce() after release');
        if (slot.nonce === null) slot.nonce = await this.#read(slot.account.address);
        issued = slot.nonce;
        return issued;
      },
      release: (outcome) => {
        if (released) return;
        released = true;
        if (outcome === 'resync') slot.nonce = null;
        else if (outcome === 'sent') slot.nonce = issued === null ? null : issued + 1;
        this.#handOver(slot);
      },
    };
  }

  #handOver(slot: Slot<A>): void {
    for (;;) {
      const waiter = this.#waiters.shift();
      if (waiter === undefined) break;
      if (waiter.done) continue;
      waiter.done = true;
      waiter.resolve(this.#grant(slot));
      return;
    }
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

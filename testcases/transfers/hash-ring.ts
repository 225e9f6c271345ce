/** A bounded ring of recently accepted transaction hashes: the newest `capacity` are kept. */

export interface StoredTx {
  readonly hash: string;
  /** performance.now() when the node accepted it. */
  readonly acceptedAt: number;
}

export class HashRing {
  readonly #items: StoredTx[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: StoredTx): void {
    if (this.#items.length < this.#capacity) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** A uniformly random stored entry, or undefined when empty. */
  random(): StoredTx | undefined {
    return this.#items[Math.floor(Math.random() * this.#items.length)];
  }
}

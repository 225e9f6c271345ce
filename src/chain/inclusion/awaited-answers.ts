/**
 * Node-signed transactions (eth_sendTransaction) have no hash until the node answers the send,
 * yet a block may hold one before the answer arrives. While any such answer is awaited, the
 * hashes of the blocks seen that matched no followed transaction are kept, from the height the
 * oldest awaited send could first be mined at: an answer then finds the block that already
 * held its transaction. What no awaited answer can need any more is let go at once, so
 * following signed transactions costs nothing more.
 */

/** Where a block held a hash: its height, and when the worker saw it. */
export interface Sighting {
  readonly number: number;
  readonly at: number;
}

export class AwaitedAnswers {
  /** Each awaited send (its token: any value naming it alone) with the first height that could hold it; insertion order is height order. */
  readonly #awaited = new Map<unknown, number>();
  /** Each hash of a block seen since the oldest awaited send that matched no transaction followed. */
  readonly #unclaimed = new Map<string, Sighting>();
  /** The blocks behind #unclaimed, oldest first, so that they can be let go. */
  readonly #blocks: { readonly number: number; readonly hashes: readonly string[] }[] = [];

  /** True while some answer is awaited: only then are a block's unmatched hashes worth keeping. */
  get waiting(): boolean {
    return this.#awaited.size > 0;
  }

  /** A send the node signs is about to go out; a block from `fromHeight` on may hold it. */
  await(token: unknown, fromHeight: number): void {
    this.#awaited.set(token, fromHeight);
  }

  /** The hashes of block `number`, seen at `at`, that matched no transaction followed. */
  unclaimed(number: number, at: number, hashes: readonly string[]): void {
    if (!this.waiting || hashes.length === 0) return;
    this.#blocks.push({ number, hashes });
    for (const hash of hashes) this.#unclaimed.set(hash, { number, at });
  }

  /**
   * The send of `token` has its answer (`hash`), or will have none (null): it stops holding
   * the block memory. Returns the block seen holding `hash` before the answer came, if one did.
   */
  answered(token: unknown, hash: string | null): Sighting | undefined {
    const seen = hash === null ? undefined : this.#unclaimed.get(hash);
    this.#awaited.delete(token);
    const oldest = this.#awaited.values().next();
    const keepFrom = oldest.done === true ? Infinity : oldest.value;
    while (this.#blocks.length > 0 && this.#blocks[0]!.number < keepFrom) {
      for (const h of this.#blocks.shift()!.hashes) this.#unclaimed.delete(h);
    }
    return seen;
  }
}

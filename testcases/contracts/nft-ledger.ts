/**
 * Who owns which ERC-721 token, kept locally so a transfer needs no chain read. An id taken
 * for a transfer belongs to nobody until the transfer's fate is known: mined with status 1,
 * it joins the receiver's list; refused or reverted, it goes back to the sender; unknown (no
 * receipt in time), it is set aside for good, so that every id the ledger still hands out
 * is owned on chain by whom the ledger says.
 */
import { getAddress } from 'ethers/address';

export type TransferOutcome =
  /** Mined with status 1: the receiver owns it. */
  | 'moved'
  /** Refused by the node or reverted: the sender still owns it. */
  | 'returned'
  /** Unknown: the transaction may still be mined some day. */
  | 'lost';

export class NftLedger {
  /** Owner (checksummed) → ids it owns and that are not in flight. */
  readonly #owned = new Map<string, bigint[]>();
  /** id → its owner before the transfer in flight. */
  readonly #inFlight = new Map<bigint, string>();
  readonly #lost = new Set<bigint>();
  /** Every id ever added, wherever it is now. */
  readonly #all = new Set<bigint>();
  readonly #waiters = new Set<() => void>();

  /** Records a minted id. */
  add(owner: string, id: bigint): void {
    if (this.#all.has(id)) throw new Error(`token ${id} is already in the ledger`);
    this.#all.add(id);
    this.#push(getAddress(owner), id);
  }

  /** Takes one of `owner`'s ids for a transfer, or undefined when it owns none right now. */
  take(owner: string): bigint | undefined {
    const key = getAddress(owner);
    const id = this.#owned.get(key)?.pop();
    if (id !== undefined) this.#inFlight.set(id, key);
    return id;
  }

  /** One of `owner`'s ids, left where it is. */
  peek(owner: string): bigint | undefined {
    return this.#owned.get(getAddress(owner))?.at(-1);
  }

  /** Ends the transfer of `id` (taken before) to `receiver`. */
  settle(id: bigint, receiver: string, outcome: TransferOutcome): void {
    const sender = this.#inFlight.get(id);
    if (sender === undefined) throw new Error(`token ${id} is not in flight`);
    this.#inFlight.delete(id);
    if (outcome === 'lost') this.#lost.add(id);
    else this.#push(outcome === 'moved' ? getAddress(receiver) : sender, id);
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves at the next settle, or when `signal` aborts. */
  changed(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  /** Ids ever added. */
  get size(): number {
    return this.#all.size;
  }

  /** Ids in flight right now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Ids set aside because a transfer's fate was unknown. */
  get lost(): readonly bigint[] {
    return [...this.#lost];
  }

  /** A copy of who owns what (ids not in flight, not lost). */
  holdings(): Map<string, bigint[]> {
    return new Map([...this.#owned].map(([owner, ids]) => [owner, [...ids]]));
  }

  #push(owner: string, id: bigint): void {
    const ids = this.#owned.get(owner);
    if (ids === undefined) this.#owned.set(owner, [id]);
    else ids.push(id);
  }
}

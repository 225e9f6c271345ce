/**
 * Each account's unsettled entries, in nonce order: a list linked through two columns by slot,
 * its ends in columns by account id, and which test cases' re-senders the account
 * keeps, as a bit mask by account id.
 *
 * Why columns, not an array on the account's record: every send reads its account's newest
 * entry (is its nonce new?), and that object and array, last touched a couple of hundred sends
 * before, were read cold: about 1 µs a send, more than the rest of registering (a profile of
 * both builds taken in turns: bench/README.md §5b). These columns are a few bytes an account,
 * the id comes from the handle the lease has just touched, and an entry leaves its list in
 * constant time.
 */
import { grown } from './columns.js';

/** No slot (an empty list, a list's ends). */
export const NONE = -1;
/** Test cases whose re-sender the bit mask can tell; past these, the caller asks the account's Map. */
export const MASKED_NAMES = 31;
const INITIAL_ACCOUNTS = 64;

export class AccountLists {
  #first = new Int32Array(INITIAL_ACCOUNTS).fill(NONE);
  #last = new Int32Array(INITIAL_ACCOUNTS).fill(NONE);
  /** Bit n: the account keeps a re-sender of test case n (n < MASKED_NAMES). */
  #resenderBits = new Int32Array(INITIAL_ACCOUNTS);
  #prev: Int32Array;
  #next: Int32Array;

  constructor(slots: number) {
    this.#prev = new Int32Array(slots);
    this.#next = new Int32Array(slots);
  }

  /** Room for the account `id` (ids are given in order from 0). */
  addAccount(id: number): void {
    if (id < this.#first.length) return;
    const n = this.#first.length * 2;
    this.#first = grown(this.#first, new Int32Array(n).fill(NONE));
    this.#last = grown(this.#last, new Int32Array(n).fill(NONE));
    this.#resenderBits = grown(this.#resenderBits, new Int32Array(n));
  }

  /** Room for `n` slots. */
  growSlots(n: number): void {
    this.#prev = grown(this.#prev, new Int32Array(n));
    this.#next = grown(this.#next, new Int32Array(n));
  }

  /** The account's unsettled entry with the highest nonce (usually its newest), or NONE. */
  last(account: number): number {
    return this.#last[account]!;
  }

  /** The account's unsettled entry with the lowest nonce (the one a check asks about), or NONE. */
  first(account: number): number {
    return this.#first[account]!;
  }

  /** The entry before `slot` in its account's list (a lower nonce), or NONE. */
  prev(slot: number): number {
    return this.#prev[slot]!;
  }

  /** The account's unsettled entries' slots, in nonce order. */
  slotsOf(account: number): number[] {
    const slots: number[] = [];
    for (let slot = this.#first[account]!; slot !== NONE; slot = this.#next[slot]!) slots.push(slot);
    return slots;
  }

  /** Puts `slot` in its account's list by its nonce (`nonces`, by slot): usually last, a new nonce above the rest. */
  link(account: number, slot: number, nonces: Float64Array): void {
    const nonce = nonces[slot]!;
    let after = this.#last[account]!;
    while (after !== NONE && nonces[after]! > nonce) after = this.#prev[after]!;
    const before = after === NONE ? this.#first[account]! : this.#next[after]!;
    this.#prev[slot] = after;
    this.#next[slot] = before;
    if (after === NONE) this.#first[account] = slot;
    else this.#next[after] = slot;
    if (before === NONE) this.#last[account] = slot;
    else this.#prev[before] = slot;
  }

  /** Takes `slot` out of its account's list. */
  unlink(account: number, slot: number): void {
    const after = this.#prev[slot]!;
    const before = this.#next[slot]!;
    if (after === NONE) this.#first[account] = before;
    else this.#next[after] = before;
    if (before === NONE) this.#last[account] = after;
    else this.#prev[before] = after;
  }

  /** The mask says the account keeps a re-sender of test case `nameId` (< MASKED_NAMES). */
  masksResender(account: number, nameId: number): boolean {
    return ((this.#resenderBits[account]! >>> nameId) & 1) === 1;
  }

  /** Marks a re-sender of test case `nameId` (< MASKED_NAMES) kept. */
  maskResender(account: number, nameId: number): void {
    this.#resenderBits[account]! |= 1 << nameId;
  }
}

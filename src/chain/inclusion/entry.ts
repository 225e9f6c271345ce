/**
 * One followed transaction (an entry) as the code off the common path sees it: checks, heals,
 * re-sends. The entries themselves are columns of the entry table (entry-table.ts).
 */
import { type EntryTable, PENDING, SENDING, UNCERTAIN } from './entry-table.js';
import type { AccountState } from './types.js';

export type EntryState = 'sending' | 'pending' | 'uncertain';
const STATES: readonly EntryState[] = ['sending', 'pending', 'uncertain'];
const STATE_CODES: Readonly<Record<EntryState, number>> = { sending: SENDING, pending: PENDING, uncertain: UNCERTAIN };

/**
 * One entry, for the code off the common path (checks, heals, re-sends): its columns as
 * fields. A view outlives its entry harmlessly: `live` turns false once the entry settles, and
 * writes through a dead view do nothing (the slot may hold another transaction by then).
 */
export class Entry {
  constructor(
    readonly table: EntryTable,
    readonly slot: number,
    /** Names this entry, not the slot's later ones (EntryTable.ref). */
    readonly ref: number,
  ) {}

  /** Still followed: not settled or removed since the view was made. */
  get live(): boolean {
    return this.table.slotOf(this.ref) === this.slot;
  }

  same(other: Entry): boolean {
    return this.ref === other.ref;
  }

  get hash(): string {
    return this.table.hash(this.slot);
  }

  set hash(hash: string) {
    if (this.live) this.table.setHash(this.slot, hash);
  }

  get hashes(): readonly string[] {
    return this.table.hashes(this.slot);
  }

  /** Followed under `hash` (and still live). */
  heldUnder(hash: string): boolean {
    return this.live && this.table.index.get(hash) === this.slot;
  }

  /** Follows it under one more hash (a re-send's). */
  addHash(hash: string): void {
    if (this.live) this.table.addHash(this.slot, hash);
  }

  /** Stops following it under `hash` (a re-send the node refused). */
  dropHash(hash: string): void {
    if (this.live) this.table.dropHash(this.slot, hash);
  }

  get account(): AccountState {
    return this.table.accountOf(this.slot);
  }

  get name(): string {
    return this.table.name(this.slot);
  }

  get nonce(): number {
    return this.table.nonce(this.slot);
  }

  get sentAt(): number {
    return this.table.sentAt(this.slot);
  }

  get replaceable(): boolean {
    return this.table.replaceable(this.slot);
  }

  get state(): EntryState {
    return STATES[this.table.state(this.slot)]!;
  }

  set state(state: EntryState) {
    if (this.live) this.table.setState(this.slot, STATE_CODES[state]);
  }

  get epoch(): number {
    return this.table.epoch(this.slot);
  }

  get maxPrice(): bigint {
    return this.table.maxPrice[this.slot]!;
  }

  set maxPrice(price: bigint) {
    if (this.live) this.table.maxPrice[this.slot] = price;
  }

  get resendAsked(): boolean {
    return this.table.resendAsked(this.slot);
  }

  set resendAsked(asked: boolean) {
    if (this.live) this.table.setResendAsked(this.slot, asked);
  }

  get awaiting(): number {
    return this.table.awaiting(this.slot);
  }

  set awaiting(n: number) {
    if (this.live) this.table.setAwaiting(this.slot, n);
  }

  get sentHeight(): number {
    return this.table.sentHeight(this.slot);
  }

  set sentHeight(height: number) {
    if (this.live) this.table.setSentHeight(this.slot, height);
  }

  get nextCheck(): number {
    return this.table.nextCheck(this.slot);
  }

  set nextCheck(height: number) {
    if (this.live) this.table.setNextCheck(this.slot, height);
  }

  get backoff(): number {
    return this.table.backoff(this.slot);
  }

  set backoff(blocks: number) {
    if (this.live) this.table.setBackoff(this.slot, blocks);
  }
}

/** The account's unsettled entries in nonce order, as views. */
export function entriesOf(table: EntryTable, account: AccountState): Entry[] {
  return table.lists.slotsOf(account.id).map((slot) => viewOf(table, slot));
}

/** A view of the entry in `slot`. */
export function viewOf(table: EntryTable, slot: number): Entry {
  return new Entry(table, slot, table.ref(slot));
}

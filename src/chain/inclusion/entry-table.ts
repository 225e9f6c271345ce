/**
 * The followed transactions (entries) as a table of columns by slot, and the accounts that
 * hold them. The code off the common path reads an entry through a view (entry.ts).
 *
 * Why columns, not an object per transaction (measured, not assumed: bench/tracking.mjs): an
 * entry lives about a block, long enough for V8's young-generation collector to copy it and
 * promote it; those copies, and reading the entry back cold when its block comes, cost more
 * of the tracker's share of the worker's CPU than its books did, and slowed the signing and
 * the socket writes around them (their caches evicted). In typed arrays, a column per
 * field, an entry is nothing a collector traces or moves, its hashes are words in the hash
 * index, and its slot is reused once it settles (bench/tracking.mjs: 92–93 % of the untracked
 * build per CPU-second, against 88–90 % with an object per entry; bench/README.md §5b). What
 * is not on the common path (a listener, a sighting before the answer, the hashes of
 * re-sends) sits in sparse maps by slot.
 */
import { AccountLists, MASKED_NAMES, NONE } from './account-lists.js';
import { grown } from './columns.js';
import { HashIndex } from './hash-index.js';
import type { AccountState, NonceAccount, Resend, Settlement } from './types.js';

/** An entry's test has ended: it is followed on for the counters and nonces, but recorded nowhere. */
export const CLOSED = -1;
/** An account's oldest transaction is first asked about after this many blocks without it (one: a drop is healed before the next block). */
export const FIRST_CHECK_BLOCKS = 1;

/** An entry's state as the table stores it: its send awaits the node's answer; the node holds it; its send had no answer. */
export const SENDING = 0;
export const PENDING = 1;
export const UNCERTAIN = 2;

/** Slots a table can have: a reference (EntryTable.ref) packs a slot below this and a generation above. */
const MAX_SLOTS = 2 ** 24;
const INITIAL_SLOTS = 1024;
/** Bits of an entry's flags. */
const REPLACEABLE = 1;
const RESEND_ASKED = 2;

export type Listener = (settlement: Settlement) => void | Promise<void>;

/** Where a block held an entry while its send was still in flight (a node that mines at once). */
export interface Seen {
  readonly number: number;
  readonly at: number;
  readonly hash: string;
}

export class EntryTable {
  /** Every account that sent, by id (`addAccount`). */
  readonly accounts: AccountState[] = [];
  /** Each account's unsettled entries, in nonce order (account-lists.ts: not an array on its record, read cold at every send). */
  readonly lists = new AccountLists(INITIAL_SLOTS);
  /** The entries' hashes (every send's) → their slots. */
  readonly index = new HashIndex();
  // The columns, one typed array per field (measured against one 64-byte row per entry in a
  // shared buffer: 94 % of the untracked build against the row's 91 %, ten rounds side by side).
  #gen = new Int32Array(INITIAL_SLOTS);
  #used = new Uint8Array(INITIAL_SLOTS);
  #state = new Uint8Array(INITIAL_SLOTS);
  #flags = new Uint8Array(INITIAL_SLOTS);
  #nonce = new Float64Array(INITIAL_SLOTS);
  #sentAt = new Float64Array(INITIAL_SLOTS);
  #sentHeight = new Int32Array(INITIAL_SLOTS);
  #nextCheck = new Int32Array(INITIAL_SLOTS);
  #backoff = new Int32Array(INITIAL_SLOTS);
  #awaiting = new Int32Array(INITIAL_SLOTS);
  #epoch = new Int32Array(INITIAL_SLOTS);
  #account = new Int32Array(INITIAL_SLOTS);
  #name = new Int32Array(INITIAL_SLOTS);
  #firstKey = new Int32Array(INITIAL_SLOTS);
  /** The most its latest send pays per gas (the fee quote's own bigint, shared by a block's sends). */
  readonly maxPrice: bigint[] = [];
  readonly onSettled: (Listener | undefined)[] = [];
  /** Every hash of an entry sent under more than one (first send's, re-sends', the node's own answer). */
  readonly moreHashes = new Map<number, string[]>();
  /** The hash asked about, where it is not the first. */
  readonly latest = new Map<number, string>();
  readonly seen = new Map<number, Seen>();
  /** The test cases' names, by id. */
  readonly names: string[] = [];
  readonly #nameIds = new Map<string, number>();
  readonly #free: number[] = [];
  /** Slots ever used. */
  top = 0;

  /** Makes the record of an account's first send; returns it (its id is its place in `accounts`). */
  addAccount(handle: NonceAccount): AccountState {
    const state: AccountState = { handle, id: this.accounts.length, progressAt: -1, busy: false, resenders: new Map() };
    this.accounts.push(state);
    this.lists.addAccount(state.id);
    return state;
  }

  /**
   * Makes an entry, about to be sent, and puts it in its account's list; returns its slot.
   * `hash`: at signing, and followed by no entry yet (the tracker's `expect` looks up a send at
   * a nonce its account already holds; any other's hash, which commits to sender and nonce,
   * is new); null when the node signs it (its hash comes with the answer). `digest`: its bytes,
   * when the signer kept them. `sentAt`: performance.now() as its send starts.
   * `name`: the test case's id (`nameId`). Positional, not an options object: this runs for
   * every transaction sent.
   */
  add(
    hash: string | null,
    digest: Uint8Array | undefined,
    account: number,
    nonce: number,
    name: number,
    replaceable: boolean,
    maxPrice: bigint,
    epoch: number,
    sentHeight: number,
    sentAt: number,
    onSettled: Listener | undefined,
  ): number {
    const slot = this.#free.pop() ?? this.#newSlot();
    this.#sentAt[slot] = sentAt;
    this.#nonce[slot] = nonce;
    this.#used[slot] = 1;
    this.#state[slot] = SENDING;
    this.#flags[slot] = replaceable ? REPLACEABLE : 0;
    this.#sentHeight[slot] = sentHeight;
    this.#nextCheck[slot] = sentHeight + FIRST_CHECK_BLOCKS - 1;
    this.#backoff[slot] = 1;
    this.#awaiting[slot] = hash === null ? 1 : 0;
    this.#epoch[slot] = epoch;
    this.#account[slot] = account;
    this.#name[slot] = name;
    this.#firstKey[slot] = hash === null ? -1 : this.index.add(hash, slot, digest);
    this.maxPrice[slot] = maxPrice;
    this.onSettled[slot] = onSettled;
    this.lists.link(account, slot, this.#nonce);
    return slot;
  }

  /** Frees a slot that has left the books (`leave`). */
  free(slot: number): void {
    this.#used[slot] = 0;
    this.#gen[slot] = (this.#gen[slot]! + 1) | 0;
    this.onSettled[slot] = undefined;
    if (this.moreHashes.size > 0) this.moreHashes.delete(slot);
    if (this.latest.size > 0) this.latest.delete(slot);
    if (this.seen.size > 0) this.seen.delete(slot);
    this.#free.push(slot);
  }

  /** 0: free; 1: followed; 2: leaving the books (its settlement still reads it, then frees it). */
  used(slot: number): number {
    return this.#used[slot]!;
  }

  /** Takes it out of the books (the hash index, its account's list): no longer followed, its fields readable until `free`. */
  leave(slot: number): void {
    this.#unindex(slot);
    this.lists.unlink(this.#account[slot]!, slot);
    this.#used[slot] = 2;
  }

  /** The id of a test case's name, the same for every entry of it. */
  nameId(name: string): number {
    let id = this.#nameIds.get(name);
    if (id === undefined) {
      id = this.names.push(name) - 1;
      this.#nameIds.set(name, id);
    }
    return id;
  }

  /** The account keeps a re-sender of the test case `nameId` (AccountState.resenders). */
  hasResender(account: number, nameId: number): boolean {
    if (nameId < MASKED_NAMES) return this.lists.masksResender(account, nameId);
    return this.accounts[account]!.resenders.has(this.names[nameId]!);
  }

  /** Keeps `resend` as the account's re-sender of the test case `nameId`. */
  keepResender(account: number, nameId: number, resend: Resend): void {
    this.accounts[account]!.resenders.set(this.names[nameId]!, resend);
    if (nameId < MASKED_NAMES) this.lists.maskResender(account, nameId);
  }

  /** SENDING, PENDING or UNCERTAIN. */
  state(slot: number): number {
    return this.#state[slot]!;
  }

  setState(slot: number, state: number): void {
    this.#state[slot] = state;
  }

  nonce(slot: number): number {
    return this.#nonce[slot]!;
  }

  /** performance.now() at its first send. */
  sentAt(slot: number): number {
    return this.#sentAt[slot]!;
  }

  /** The test it is recorded in; CLOSED once that test has ended. */
  epoch(slot: number): number {
    return this.#epoch[slot]!;
  }

  setEpoch(slot: number, epoch: number): void {
    this.#epoch[slot] = epoch;
  }

  /**
   * Sends of it the node has not answered yet, of those that matter: ones the node signs (the
   * hash it holds the transaction by is unknown until then) and re-sends (the node may hold
   * neither hash meanwhile). Until they are answered, asking about the older hashes proves nothing.
   */
  awaiting(slot: number): number {
    return this.#awaiting[slot]!;
  }

  setAwaiting(slot: number, n: number): void {
    this.#awaiting[slot] = n;
  }

  accountOf(slot: number): AccountState {
    return this.accounts[this.#account[slot]!]!;
  }

  /** Its test case's name. */
  name(slot: number): string {
    return this.names[this.#name[slot]!]!;
  }

  /** The first height that could hold its latest send. */
  sentHeight(slot: number): number {
    return this.#sentHeight[slot]!;
  }

  setSentHeight(slot: number, height: number): void {
    this.#sentHeight[slot] = height;
  }

  /** The height at which it is next asked about. */
  nextCheck(slot: number): number {
    return this.#nextCheck[slot]!;
  }

  setNextCheck(slot: number, height: number): void {
    this.#nextCheck[slot] = height;
  }

  /** Blocks between checks while the node says it holds the transaction. */
  backoff(slot: number): number {
    return this.#backoff[slot]!;
  }

  setBackoff(slot: number, blocks: number): void {
    this.#backoff[slot] = blocks;
  }

  replaceable(slot: number): boolean {
    return (this.#flags[slot]! & REPLACEABLE) !== 0;
  }

  /** A re-send was asked for and has not been accepted yet. */
  resendAsked(slot: number): boolean {
    return (this.#flags[slot]! & RESEND_ASKED) !== 0;
  }

  setResendAsked(slot: number, asked: boolean): void {
    this.#flags[slot] = asked ? this.#flags[slot]! | RESEND_ASKED : this.#flags[slot]! & ~RESEND_ASKED;
  }

  /** The index slot of its first hash; -1 while a node-signed send awaits its answer. */
  firstKey(slot: number): number {
    return this.#firstKey[slot]!;
  }

  /** A name for the entry in `slot` now, that stops naming it once it settles. */
  ref(slot: number): number {
    return (this.#gen[slot]! >>> 0) * MAX_SLOTS + slot;
  }

  /** The slot a reference names, or -1 once that entry has settled. */
  slotOf(ref: number): number {
    const slot = ref % MAX_SLOTS;
    return slot < this.top && this.#used[slot] === 1 && this.#gen[slot]! >>> 0 === Math.floor(ref / MAX_SLOTS) ? slot : -1;
  }

  /** Every hash the node may know the entry by: its first send's and its re-sends'. */
  hashes(slot: number): readonly string[] {
    const more = this.moreHashes.size > 0 ? this.moreHashes.get(slot) : undefined;
    if (more !== undefined) return more;
    const key = this.firstKey(slot);
    return key < 0 ? [] : [this.index.keyAt(key)];
  }

  /** The hash of its latest send (the one asked about). */
  hash(slot: number): string {
    const latest = this.latest.size > 0 ? this.latest.get(slot) : undefined;
    if (latest !== undefined) return latest;
    const key = this.firstKey(slot);
    return key < 0 ? '' : this.index.keyAt(key);
  }

  /** Follows the entry under one more hash too (a node-signed entry's first, when the node answers). */
  addHash(slot: number, hash: string): void {
    if (this.firstKey(slot) < 0 && !this.moreHashes.has(slot)) {
      this.#firstKey[slot] = this.index.set(hash, slot);
      return;
    }
    const all = [...this.hashes(slot), hash];
    this.index.set(hash, slot);
    this.moreHashes.set(slot, all);
  }

  /** Stops following it under `hash` (a re-send the node refused). */
  dropHash(slot: number, hash: string): void {
    const all = this.hashes(slot).filter((h) => h !== hash);
    if (this.index.get(hash) === slot) this.index.delete(hash);
    this.moreHashes.set(slot, all);
    if (this.latest.get(slot) === hash) this.latest.delete(slot);
  }

  setHash(slot: number, hash: string): void {
    if (this.hash(slot) === hash) return;
    if (this.firstKey(slot) >= 0 && this.index.keyAt(this.firstKey(slot)) === hash) this.latest.delete(slot);
    else this.latest.set(slot, hash);
  }

  /** Takes every hash of the entry out of the index (those still naming it). */
  #unindex(slot: number): void {
    const more = this.moreHashes.size > 0 ? this.moreHashes.get(slot) : undefined;
    const key = this.firstKey(slot);
    if (key >= 0) this.index.deleteAt(key, slot);
    if (more !== undefined) for (const hash of more) if (this.index.get(hash) === slot) this.index.delete(hash);
  }

  /** The account's entry at `nonce` in the given state, or -1. */
  findAt(account: number, nonce: number, state: number): number {
    for (let slot = this.lists.last(account); slot !== NONE; slot = this.lists.prev(slot))
      if (this.nonce(slot) === nonce && this.state(slot) === state) return slot;
    return NONE;
  }

  #newSlot(): number {
    const slot = this.top++;
    if (slot < this.#used.length) return slot;
    if (slot >= MAX_SLOTS) throw new Error(`more than ${MAX_SLOTS} transactions await the chain at once`);
    const n = this.#used.length * 2;
    this.#gen = grown(this.#gen, new Int32Array(n));
    this.#used = grown(this.#used, new Uint8Array(n));
    this.#state = grown(this.#state, new Uint8Array(n));
    this.#flags = grown(this.#flags, new Uint8Array(n));
    this.#nonce = grown(this.#nonce, new Float64Array(n));
    this.#sentAt = grown(this.#sentAt, new Float64Array(n));
    this.#sentHeight = grown(this.#sentHeight, new Int32Array(n));
    this.#nextCheck = grown(this.#nextCheck, new Int32Array(n));
    this.#backoff = grown(this.#backoff, new Int32Array(n));
    this.#awaiting = grown(this.#awaiting, new Int32Array(n));
    this.#epoch = grown(this.#epoch, new Int32Array(n));
    this.#account = grown(this.#account, new Int32Array(n));
    this.#name = grown(this.#name, new Int32Array(n));
    this.#firstKey = grown(this.#firstKey, new Int32Array(n));
    this.lists.growSlots(n);
    return slot;
  }
}

/**
 * The tracker's transactions by hash: 32-byte transaction hashes (0x + 64 hex digits, either
 * case) to small non-negative integers (the tracker's entry slots), kept in typed arrays
 * instead of a Map<string, …>.
 *
 * Why not Map, and why not even strings (measured, not assumed): every transaction is inserted
 * once and deleted a block later, so the index churns at the send rate and holds a block's
 * worth of keys. `Map.set` was once the largest single cost of following a transaction (V8
 * hashes the whole 66-character key; its table fills with deleted entries and is rebuilt);
 * this table over string keys made the tracked worker 5.9 % faster. Holding the key strings
 * still cost: each one lives about a block, long enough for the young-generation collector to
 * copy it and promote it, and a later probe compares against it cold. Keys are therefore kept
 * as eight 32-bit words beside the cell table, with each key's home cell cached: nothing here
 * is an object the garbage collector traces, and a probe or a deletion reads only typed arrays.
 *
 * Open addressing with linear probing over a table at most half full; keys live in slots
 * (reused through a free list, never moved, so a slot is a stable name for its key while it
 * is set). Memory follows the largest backlog seen, about 48 bytes a hash. A key `add`ed (a
 * new transaction's) is placed in the cell table only at the next read, with the others added
 * since (see `add`).
 */

import { HASH_WORDS, hashBytesToWords, parseHashText, wordsToHashText } from '../encoding/hash-words.js';
import { grown } from './columns.js';

const EMPTY = -1;

export class HashIndex {
  /** Table cell → key slot, or EMPTY. */
  #cells = new Int32Array(1024).fill(EMPTY);
  #mask = 1023;
  /** A slot's key, HASH_WORDS words each. */
  #words = new Int32Array(256 * HASH_WORDS);
  /** A slot's value; EMPTY while the slot is free. */
  #values = new Int32Array(256).fill(EMPTY);
  /** A slot's home cell (a deletion moves probe runs back without re-reading their keys). */
  #homes = new Int32Array(256);
  readonly #free: number[] = [];
  /** Slots ever used: the next new one. */
  #top = 0;
  #size = 0;
  /** The key being looked up, parsed. */
  readonly #probe = new Int32Array(HASH_WORDS);
  /** Slots of keys `add`ed but not yet in the cell table: placed together at the next read. */
  #unplaced = new Int32Array(256);
  #unplacedCount = 0;

  get size(): number {
    return this.#size;
  }

  /**
   * Sets a key the caller knows is not set (a transaction about to be sent, at a nonce its
   * account has nothing else at: its hash commits to the two); returns its slot. Throws on a
   * text that is no transaction hash. The key goes into the cell table only when the index is
   * next read, together with every key added since: placing each as it came cost a read of a
   * random cell of a table not touched since the last block (0.3 µs a send, most of what
   * setting a key took, in a profile of the tracked worker); placed a block's worth at a time,
   * the table stays in the cache for the batch. `digest`: the same hash's 32 bytes, when the
   * caller has them (a signer's), read instead of the text (a tenth of a microsecond a send
   * less, in a profile of the tracked worker); the caller vouches that they are the text's.
   */
  add(hash: string, value: number, digest?: Uint8Array): number {
    if (digest !== undefined && digest.length === HASH_WORDS * 4) hashBytesToWords(digest, this.#probe);
    else if (!parseHashText(hash, this.#probe)) throw new Error(`not a transaction hash: ${hash.slice(0, 80)}`);
    return this.#addParsed(value);
  }

  /** `add` of the key in #probe. */
  #addParsed(value: number): number {
    const probe = this.#probe;
    const slot = this.#free.pop() ?? this.#newSlot();
    const words = this.#words;
    const at = slot * HASH_WORDS;
    for (let i = 0; i < HASH_WORDS; i++) words[at + i] = probe[i]!;
    this.#values[slot] = value;
    this.#size++;
    if (this.#unplacedCount === this.#unplaced.length) this.#unplaced = doubled(this.#unplaced, 0);
    this.#unplaced[this.#unplacedCount++] = slot;
    return slot;
  }

  /** The value of `hash`, or -1 (also for a text that is no transaction hash). */
  get(hash: string): number {
    const cell = this.#find(hash);
    return cell === EMPTY ? -1 : this.#values[this.#cells[cell]!]!;
  }

  /** The value of the hash in words `words[at…]` (a block's hash list, ../tx-hash-list.ts), or -1. */
  getWords(words: Int32Array, at: number): number {
    if (this.#size === 0) return -1;
    const probe = this.#probe;
    for (let i = 0; i < HASH_WORDS; i++) probe[i] = words[at + i]!;
    this.#place();
    const cell = this.#findParsed();
    return cell === EMPTY ? -1 : this.#values[this.#cells[cell]!]!;
  }

  has(hash: string): boolean {
    return this.#find(hash) !== EMPTY;
  }

  /** Sets `hash` to `value` (≥ 0); returns the key's slot. Throws on a text that is no transaction hash: only hashes checked as such are followed. */
  set(hash: string, value: number): number {
    if (!parseHashText(hash, this.#probe)) throw new Error(`not a transaction hash: ${hash.slice(0, 80)}`);
    this.#place();
    const found = this.#findParsed();
    if (found !== EMPTY) {
      const slot = this.#cells[found]!;
      this.#values[slot] = value;
      return slot;
    }
    const slot = this.#addParsed(value);
    this.#place();
    return slot;
  }

  delete(hash: string): boolean {
    const cell = this.#find(hash);
    if (cell === EMPTY) return false;
    this.#unlink(cell);
    return true;
  }

  /** The key in `slot` (set, not yet deleted) as lower-case 0x hex. */
  keyAt(slot: number): string {
    return wordsToHashText(this.#words, slot * HASH_WORDS);
  }

  /** Deletes the key in `slot` if it is still set to `value`. */
  deleteAt(slot: number, value: number): void {
    if (this.#values[slot] !== value) return;
    this.#place();
    const cells = this.#cells;
    for (let cell = this.#homes[slot]!; ; cell = (cell + 1) & this.#mask) {
      if (cells[cell] === slot) return void this.#unlink(cell);
      if (cells[cell] === EMPTY) return;
    }
  }

  #home(lastWord: number): number {
    // The hash's last word: a transaction hash's bits are uniformly random.
    return (lastWord ^ (lastWord >>> 15)) & this.#mask;
  }

  /** The cell holding `hash`, or EMPTY. */
  #find(hash: string): number {
    if (this.#size === 0 || !parseHashText(hash, this.#probe)) return EMPTY;
    this.#place();
    return this.#findParsed();
  }

  /** Puts the keys added since the last read into the cell table. */
  #place(): void {
    const count = this.#unplacedCount;
    if (count === 0) return;
    this.#unplacedCount = 0;
    // Growing places every key set, these included.
    if (this.#size * 2 > this.#cells.length) return void this.#growCells();
    const cells = this.#cells;
    const mask = this.#mask;
    for (let i = 0; i < count; i++) {
      const slot = this.#unplaced[i]!;
      const home = this.#home(this.#words[slot * HASH_WORDS + HASH_WORDS - 1]!);
      this.#homes[slot] = home;
      let cell = home;
      while (cells[cell] !== EMPTY) cell = (cell + 1) & mask;
      cells[cell] = slot;
    }
  }

  /** The cell holding the key in #probe, or EMPTY. */
  #findParsed(): number {
    const probe = this.#probe;
    const cells = this.#cells;
    const words = this.#words;
    const mask = this.#mask;
    for (let cell = this.#home(probe[HASH_WORDS - 1]!); ; cell = (cell + 1) & mask) {
      const slot = cells[cell]!;
      if (slot === EMPTY) return EMPTY;
      const at = slot * HASH_WORDS;
      // The last word first: it chose the home cell, so it differs first among neighbours.
      if (words[at + 7] !== probe[7]) continue;
      let same = true;
      for (let i = 0; i < HASH_WORDS - 1; i++) {
        if (words[at + i] !== probe[i]) {
          same = false;
          break;
        }
      }
      if (same) return cell;
    }
  }

  /** Empties `cell` and frees its slot, moving back the later members of its probe run that may no longer be reachable. */
  #unlink(cell: number): void {
    const cells = this.#cells;
    const mask = this.#mask;
    const slot = cells[cell]!;
    this.#values[slot] = EMPTY;
    this.#free.push(slot);
    this.#size--;
    let hole = cell;
    for (let next = (hole + 1) & mask; ; next = (next + 1) & mask) {
      const member = cells[next]!;
      if (member === EMPTY) break;
      const home = this.#homes[member]!;
      // `next` may fill the hole when its home is not cyclically within (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        cells[hole] = member;
        hole = next;
      }
    }
    cells[hole] = EMPTY;
  }

  #newSlot(): number {
    const slot = this.#top++;
    if (slot === this.#values.length) {
      this.#words = doubled(this.#words, 0);
      this.#values = doubled(this.#values, EMPTY);
      this.#homes = doubled(this.#homes, 0);
    }
    return slot;
  }

  #growCells(): void {
    let length = this.#cells.length * 2;
    while (this.#size * 2 > length) length *= 2;
    this.#cells = new Int32Array(length).fill(EMPTY);
    this.#mask = this.#cells.length - 1;
    const cells = this.#cells;
    for (let slot = 0; slot < this.#top; slot++) {
      if (this.#values[slot] === EMPTY) continue;
      const home = this.#home(this.#words[slot * HASH_WORDS + HASH_WORDS - 1]!);
      this.#homes[slot] = home;
      let cell = home;
      while (cells[cell] !== EMPTY) cell = (cell + 1) & this.#mask;
      cells[cell] = slot;
    }
  }
}

/** `old`'s contents in an array twice as long, the rest `fill`. */
function doubled(old: Int32Array, fill: number): Int32Array<ArrayBuffer> {
  return grown(old, new Int32Array(old.length * 2).fill(fill));
}

/**
 * The tracker's transactions by hash: a Map<string, V> for keys that are mostly random hex
 * (transaction hashes), kept in flat arrays instead of V8's Map.
 *
 * Why not Map (measured, not assumed): every transaction is inserted once and deleted once a
 * block later, so the index churns at the send rate. In profiles of a tracked valueTransfer
 * run, `Map.set` was the largest single cost of following a transaction: V8's ordered hash
 * table hashes the whole 66-character key, and its backing store is one large object that
 * fills with deleted entries and is rebuilt. Here a key's home cell comes from eight of its
 * characters, the table is an Int32Array (nothing for the garbage collector to trace or
 * remember), and a deletion shifts its probe run back instead of leaving a tombstone.
 * Swapping the Map for this made the tracked worker 5.9 % faster per CPU-second (five
 * interleaved rounds against the mining stub, valueTransfer, 40 users, 200 accounts).
 *
 * Open addressing with linear probing over a table at most half full; entries live in slots
 * (parallel arrays, reused through a free list). Iteration order is not insertion order.
 * Memory follows the largest backlog seen, about 32 bytes a transaction of it: freed slots are
 * reused, never given back, so that a slot never moves while `values()` walks them.
 */

/** Keys shorter than this hash all their characters. */
const HASHED_CHARS = 8;
const EMPTY = -1;

export class HashIndex<V> {
  /** Table cell → slot, or EMPTY. */
  #cells = new Int32Array(1024).fill(EMPTY);
  #mask = 1023;
  /** A slot's key, or null while the slot is free. */
  readonly #keys: (string | null)[] = [];
  readonly #values: (V | undefined)[] = [];
  readonly #free: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    const cell = this.#find(key);
    return cell === EMPTY ? undefined : this.#values[this.#cells[cell]!];
  }

  has(key: string): boolean {
    return this.#find(key) !== EMPTY;
  }

  set(key: string, value: V): this {
    const found = this.#find(key);
    if (found !== EMPTY) {
      this.#values[this.#cells[found]!] = value;
      return this;
    }
    if ((this.#size + 1) * 2 > this.#cells.length) this.#grow();
    const slot = this.#free.pop() ?? this.#keys.length;
    this.#keys[slot] = key;
    this.#values[slot] = value;
    this.#place(key, slot);
    this.#size++;
    return this;
  }

  delete(key: string): boolean {
    const cell = this.#find(key);
    if (cell === EMPTY) return false;
    const slot = this.#cells[cell]!;
    this.#keys[slot] = null;
    this.#values[slot] = undefined;
    this.#free.push(slot);
    this.#size--;
    this.#unlink(cell);
    return true;
  }

  /** The values, in no particular order; deleting the current one while iterating is safe. */
  *values(): IterableIterator<V> {
    const keys = this.#keys;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== null) yield this.#values[slot]!;
  }

  #home(key: string): number {
    // FNV-1a over the last HASHED_CHARS characters: a hash's are random, a placeholder's end in its counter.
    let h = 0x811c9dc5;
    for (let i = Math.max(0, key.length - HASHED_CHARS); i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return (h ^ (h >>> 16)) & this.#mask;
  }

  /** The cell holding `key`, or EMPTY. */
  #find(key: string): number {
    const cells = this.#cells;
    const mask = this.#mask;
    for (let cell = this.#home(key); ; cell = (cell + 1) & mask) {
      const slot = cells[cell]!;
      if (slot === EMPTY) return EMPTY;
      if (this.#keys[slot] === key) return cell;
    }
  }

  #place(key: string, slot: number): void {
    const cells = this.#cells;
    let cell = this.#home(key);
    while (cells[cell] !== EMPTY) cell = (cell + 1) & this.#mask;
    cells[cell] = slot;
  }

  /** Empties `cell`, moving back the later members of its probe run that may no longer be reachable. */
  #unlink(cell: number): void {
    const cells = this.#cells;
    const mask = this.#mask;
    let hole = cell;
    for (let next = (hole + 1) & mask; ; next = (next + 1) & mask) {
      const slot = cells[next]!;
      if (slot === EMPTY) break;
      const home = this.#home(this.#keys[slot]!);
      // `next` may fill the hole when its home is not cyclically within (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        cells[hole] = slot;
        hole = next;
      }
    }
    cells[hole] = EMPTY;
  }

  #grow(): void {
    this.#cells = new Int32Array(this.#cells.length * 2).fill(EMPTY);
    this.#mask = this.#cells.length - 1;
    const keys = this.#keys;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== null) this.#place(keys[slot]!, slot);
  }
}

/**
 * The tracker's hash index against the Map it stands in for: seeded random operations on
 * transaction hashes, on hashes built to share a home cell (long probe runs that wrap around
 * the table's end, where a wrong backward shift would lose a key), and through growth.
 * After every step each key the Map holds must be found with its value, and none it dropped;
 * each key's slot must give the key back (half the keys added come as their bytes, a signer's
 * digest, and must be found by their text all the same). Keys added (`add`) wait for the next read to be
 * placed: the checks come every so many steps, so a batch of them, deletions by slot among
 * them, is placed at once, growth included.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { HASH_WORDS, parseHashText } from '../../src/chain/encoding/hash-words.js';
import { HashIndex } from '../../src/chain/inclusion/hash-index.js';
import { prng } from '../support/prng.js';

const txHash = (n: number): string => `0x${createHash('sha256').update(String(n)).digest('hex')}`;

function agree(index: HashIndex, oracle: Map<string, number>, slots: Map<string, number>, everKeys: Iterable<string>): void {
  expect(index.size).toBe(oracle.size);
  for (const key of everKeys) {
    expect(index.get(key)).toBe(oracle.get(key) ?? -1);
    // The same lookup from the key's words, as a block's hash list asks it.
    const words = new Int32Array(HASH_WORDS);
    parseHashText(key, words);
    expect(index.getWords(words, 0)).toBe(oracle.get(key) ?? -1);
    expect(index.has(key)).toBe(oracle.has(key));
    if (oracle.has(key)) expect(index.keyAt(slots.get(key)!)).toBe(key.toLowerCase());
  }
}

function churn(keys: readonly string[], seed: number, steps: number, checkEvery: number): void {
  const next = prng(seed);
  const index = new HashIndex();
  const oracle = new Map<string, number>();
  const slots = new Map<string, number>();
  for (let step = 1; step <= steps; step++) {
    const key = keys[Math.floor(next() * keys.length)]!;
    if (next() < 0.55) {
      // A key not set may be added (placed in the table at the next read, as the tracker adds
      // each send's hash), half of them by their bytes, as a signer hands them over; one set
      // must be set again.
      const digest = next() < 0.5 ? Buffer.from(key.slice(2), 'hex') : undefined;
      slots.set(key, !oracle.has(key) && next() < 0.7 ? index.add(key, step, digest) : index.set(key, step));
      oracle.set(key, step);
    } else if (next() < 0.5 && oracle.has(key)) {
      // By slot, as the tracker takes an entry's first hash out.
      index.deleteAt(slots.get(key)!, oracle.get(key)!);
      oracle.delete(key);
    } else {
      expect(index.delete(key)).toBe(oracle.delete(key));
    }
    if (step % checkEvery === 0) agree(index, oracle, slots, keys);
  }
  agree(index, oracle, slots, keys);
}

describe('HashIndex', () => {
  it('agrees with a Map through random sets and deletes of transaction hashes, across growth', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => txHash(i));
    churn(keys, 1, 20_000, 2_000);
  });

  it('keeps every key of long probe runs that share one home cell when members are deleted', () => {
    // The home cell comes from a key's last eight characters: these 400 keys all share one,
    // so every lookup walks one run, and deletions shift it back across the table's end.
    const keys = Array.from({ length: 400 }, (_, i) => `0x${String(i).padStart(56, '0')}deadbeef`);
    churn(keys, 2, 6_000, 97);
  });

  it('mixes colliding and random hashes (runs interleave), in either case', () => {
    const keys = [...Array.from({ length: 200 }, (_, i) => `0x${String(i).padStart(56, '0')}FFFFFFFF`), ...Array.from({ length: 800 }, (_, i) => txHash(i))];
    churn(keys, 3, 15_000, 500);
  });

  it('finds a hash whatever the case of its digits, and gives keys back in lower case', () => {
    const index = new HashIndex();
    const slot = index.set(txHash(7).toUpperCase().replace('0X', '0x'), 3);
    expect(index.get(txHash(7))).toBe(3);
    expect(index.keyAt(slot)).toBe(txHash(7));
  });

  it('replaces the value of a key set twice without a second entry', () => {
    const index = new HashIndex();
    const slot = index.set(txHash(1), 1);
    expect(index.set(txHash(1), 2)).toBe(slot);
    expect(index.size).toBe(1);
    expect(index.get(txHash(1))).toBe(2);
  });

  it('deletes by slot only while the slot still holds that value (a freed slot reused by another key stays)', () => {
    const index = new HashIndex();
    const slot = index.set(txHash(1), 1);
    index.delete(txHash(1));
    expect(index.set(txHash(2), 2)).toBe(slot);
    index.deleteAt(slot, 1);
    expect(index.get(txHash(2))).toBe(2);
    index.deleteAt(slot, 2);
    expect(index.has(txHash(2))).toBe(false);
    expect(index.size).toBe(0);
  });

  it('finds nothing for a text that is no transaction hash, and refuses to follow one', () => {
    const index = new HashIndex();
    index.set(txHash(1), 1);
    for (const text of ['', '0x', txHash(1).slice(0, 65), `${txHash(1)}0`, `0x${'g'.repeat(64)}`, `1x${txHash(1).slice(2)}`]) {
      expect(index.get(text)).toBe(-1);
      expect(() => index.set(text, 2)).toThrow(/not a transaction hash/);
    }
    expect(index.size).toBe(1);
  });
});

/**
 * The tracker's hash index against the Map it stands in for: seeded random operations on
 * transaction hashes, on keys built to share a home cell (long probe runs that wrap around
 * the table's end, where a wrong backward shift would lose a key), and through growth.
 * After every step each key the Map holds must be found with its value, and none it dropped.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { HashIndex } from '../../src/chain/inclusion/hash-index.js';
import { prng } from '../support/prng.js';

const txHash = (n: number): string => `0x${createHash('sha256').update(String(n)).digest('hex')}`;

function agree(index: HashIndex<number>, oracle: Map<string, number>, everKeys: Iterable<string>): void {
  expect(index.size).toBe(oracle.size);
  for (const key of everKeys) {
    expect(index.get(key)).toBe(oracle.get(key));
    expect(index.has(key)).toBe(oracle.has(key));
  }
  expect([...index.values()].sort((a, b) => a - b)).toEqual([...oracle.values()].sort((a, b) => a - b));
}

function churn(keys: readonly string[], seed: number, steps: number, checkEvery: number): void {
  const next = prng(seed);
  const index = new HashIndex<number>();
  const oracle = new Map<string, number>();
  for (let step = 1; step <= steps; step++) {
    const key = keys[Math.floor(next() * keys.length)]!;
    if (next() < 0.55) {
      index.set(key, step);
      oracle.set(key, step);
    } else {
      expect(index.delete(key)).toBe(oracle.delete(key));
    }
    if (step % checkEvery === 0) agree(index, oracle, keys);
  }
  agree(index, oracle, keys);
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

  it('mixes colliding and random keys (runs interleave) and keys shorter than eight characters', () => {
    const keys = [
      ...Array.from({ length: 200 }, (_, i) => `node-signed:${i}:ffffffff`),
      ...Array.from({ length: 800 }, (_, i) => txHash(i)),
      ...Array.from({ length: 50 }, (_, i) => `k${i}`),
    ];
    churn(keys, 3, 15_000, 500);
  });

  it('replaces the value of a key set twice without a second entry', () => {
    const index = new HashIndex<string>();
    index.set(txHash(1), 'first').set(txHash(1), 'second');
    expect(index.size).toBe(1);
    expect(index.get(txHash(1))).toBe('second');
    expect([...index.values()]).toEqual(['second']);
  });

  it('lets values() run while the current value is deleted (as a test closes its entries)', () => {
    const index = new HashIndex<number>();
    for (let i = 0; i < 100; i++) index.set(txHash(i), i);
    const seen: number[] = [];
    for (const value of index.values()) {
      seen.push(value);
      index.delete(txHash(value));
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(index.size).toBe(0);
  });
});

/**
 * The project's one keccak-256 against ethers' (the reference every signing test already
 * trusts): the empty input, every length across the 136-byte rate boundaries, and digests that
 * stay intact when the hasher is reused.
 */
import { randomBytes } from 'node:crypto';

import { keccak256 as ethersKeccak } from 'ethers';
import { describe, expect, it } from 'vitest';

import { keccak256, keccak256Hex } from '../../src/chain/encoding/keccak.js';

describe('keccak256', () => {
  it('equals ethers’ keccak256 for every length from 0 to 420 bytes', () => {
    for (let length = 0; length <= 420; length++) {
      const bytes = randomBytes(length);
      const expected = ethersKeccak(bytes);
      expect(keccak256Hex(bytes)).toBe(expected);
      expect(Buffer.from(keccak256(bytes)).toString('hex')).toBe(expected.slice(2));
    }
  });

  it('knows the published empty-input digest', () => {
    expect(keccak256Hex(new Uint8Array(0))).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });

  it('returns a new array each time: a digest kept is not overwritten by the next hash', () => {
    const first = keccak256(Buffer.from('first'));
    const copy = Buffer.from(first).toString('hex');
    keccak256(Buffer.from('second'));
    expect(Buffer.from(first).toString('hex')).toBe(copy);
  });
});

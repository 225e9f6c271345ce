import { solidityPackedKeccak256, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';

import { deriveAccountKey, deriveTestAccounts } from '../../src/chain/accounts.js';
import { PrivateKey } from '../../src/chain/keys.js';

const RICH = PrivateKey.parse('0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63', 'test');
const OTHER_RICH = PrivateKey.parse('0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'test');

describe('test account derivation', () => {
  it('gives the same accounts for the same rich key and seed, every time', () => {
    const a = deriveTestAccounts(RICH, 'seed-1', 5).map((x) => x.address);
    const b = deriveTestAccounts(RICH, 'seed-1', 5).map((x) => x.address);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
    // A longer list starts with the shorter one: raising --accounts keeps the funded ones.
    expect(
      deriveTestAccounts(RICH, 'seed-1', 8)
        .slice(0, 5)
        .map((x) => x.address),
    ).toEqual(a);
  });

  it('gives disjoint accounts for another seed or another rich key', () => {
    const base = new Set(deriveTestAccounts(RICH, 'seed-1', 20).map((x) => x.address));
    for (const other of [deriveTestAccounts(RICH, 'seed-2', 20), deriveTestAccounts(OTHER_RICH, 'seed-1', 20), deriveTestAccounts(RICH, 'seed-1\u0000', 20)]) {
      for (const acc of other) expect(base.has(acc.address)).toBe(false);
    }
  });

  it('derives valid keys whose addresses match what ethers computes from them', () => {
    for (const acc of deriveTestAccounts(RICH, 'x', 4)) {
      const key = deriveAccountKey(RICH, 'x', acc.index);
      expect(new Wallet(key.reveal()).address).toBe(acc.address);
      expect(acc.signer.privateKey).toBe(key.reveal());
    }
  });

  it('is keccak256(domain ‖ rich key ‖ seed ‖ uint32 index), as documented', () => {
    // Computed independently with ABI packing: a change of the derivation would strand the
    // funds of accounts made by earlier versions.
    for (const index of [0, 1, 258]) {
      const expected = solidityPackedKeccak256(['string', 'bytes32', 'string', 'uint32'], ['klayworker/test-account/v1', RICH.reveal(), 'klayworker', index]);
      expect(deriveAccountKey(RICH, 'klayworker', index).reveal()).toBe(expected);
    }
  });

  it('rejects an index outside 0..2^32-1', () => {
    expect(() => deriveAccountKey(RICH, 's', -1)).toThrow(RangeError);
    expect(() => deriveAccountKey(RICH, 's', 2 ** 32)).toThrow(RangeError);
  });
});

/**
 * Our Buffer RLP (src/chain/encoding/rlp.ts, the one RLP encoder) against ethers' encodeRlp/decodeRlp as the oracle,
 * on the length boundaries where RLP changes form, and on malformed input.
 */
import { decodeRlp, encodeRlp as ethersEncodeRlp, getAddress, hexlify, type RlpStructuredDataish, toBeArray } from 'ethers';
import { describe, expect, it } from 'vitest';

import {
  encodeBytes,
  encodeList,
  encodeRlp,
  encodeSignedList,
  rlpAddressHex,
  rlpBytesPayload,
  type RlpItem,
  rlpUint,
  splitRlpList,
} from '../../src/chain/encoding/rlp.js';

function toEthers(item: RlpItem): RlpStructuredDataish {
  return item instanceof Uint8Array ? hexlify(item) : item.map(toEthers);
}

function bytes(length: number, fill = 0xab): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

/** A deterministic pseudo-random structure (xorshift), so failures reproduce. */
function randomItem(seed: { s: number }, depth: number): RlpItem {
  const next = (): number => {
    seed.s ^= seed.s << 13;
    seed.s ^= seed.s >>> 17;
    seed.s ^= seed.s << 5;
    return (seed.s >>> 0) / 2 ** 32;
  };
  if (depth > 0 && next() < 0.3) return Array.from({ length: Math.floor(next() * 5) }, () => randomItem(seed, depth - 1));
  const sizes = [0, 1, 1, 2, 55, 56, 57, 255, 256, 1_000];
  const size = sizes[Math.floor(next() * sizes.length)]!;
  return Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
}

describe('encodeRlp', () => {
  it.each([
    ['empty string', bytes(0)],
    ['byte 0x00', Uint8Array.of(0)],
    ['byte 0x7f', Uint8Array.of(0x7f)],
    ['byte 0x80', Uint8Array.of(0x80)],
    ['55 bytes', bytes(55)],
    ['56 bytes', bytes(56)],
    ['255 bytes', bytes(255)],
    ['256 bytes', bytes(256)],
    ['65,536 bytes', bytes(65_536)],
    ['empty list', []],
    ['list of 55 payload bytes', [bytes(54)]],
    ['list of 56 payload bytes', [bytes(55)]],
    ['nested lists', [[], [[bytes(1, 1)]], bytes(3)]],
  ] as Array<[string, RlpItem]>)('%s matches ethers', (_, item) => {
    expect(hexlify(encodeRlp(item))).toBe(ethersEncodeRlp(toEthers(item)));
  });

  it('matches ethers on 500 random structures', () => {
    const seed = { s: 0x2545f491 };
    for (let i = 0; i < 500; i++) {
      const item = randomItem(seed, 3);
      expect(hexlify(encodeRlp(item))).toBe(ethersEncodeRlp(toEthers(item)));
    }
  });
});

describe('splitRlpList', () => {
  it('returns each item’s own encoding, which ethers decodes back to the item', () => {
    const items: RlpItem[] = [bytes(0), Uint8Array.of(5), bytes(60), [bytes(2), []], bytes(300)];
    const parts = splitRlpList(encodeRlp(items));
    expect(parts).toHaveLength(items.length);
    parts.forEach((part, i) => expect(decodeRlp(part)).toEqual(decodeRlp(ethersEncodeRlp(toEthers(items[i]!)))));
    expect(hexlify(rlpBytesPayload(parts[2]!))).toBe(hexlify(bytes(60)));
    expect(hexlify(encodeList(parts))).toBe(hexlify(encodeRlp(items)));
  });

  it.each([
    ['a byte string', encodeBytes(bytes(3))],
    ['a list with trailing bytes', Buffer.concat([encodeRlp([bytes(1, 1)]), Buffer.from([1])])],
    ['a list cut short', encodeRlp([bytes(10)]).subarray(0, 5)],
    ['an item running past its list', Buffer.from([0xc3, 0x84, 1, 2])],
    ['empty input', Buffer.alloc(0)],
  ])('refuses %s', (_, input) => {
    expect(() => splitRlpList(input)).toThrow(TypeError);
  });
});

describe('rlpUint', () => {
  // Where the byte count changes, and on both sides of 2^53 (numbers and small bigints are
  // encoded by arithmetic, larger bigints through hex).
  const values = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 0xffffn, 0x10000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n, 2n ** 256n - 1n];
  it.each(values.map((v) => [v]))('%s matches ethers as a bigint and, when safe, as a number', (value) => {
    const expected = ethersEncodeRlp(value === 0n ? '0x' : hexlify(toBeArray(value)));
    expect(hexlify(rlpUint(value))).toBe(expected);
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) expect(hexlify(rlpUint(Number(value)))).toBe(expected);
  });

  it('matches ethers on 2,000 random nonces, values and fees', () => {
    const seed = { s: 0x1234567 };
    for (let i = 0; i < 2_000; i++) {
      const bits = Math.floor(Math.abs(Math.sin(++seed.s)) * 70);
      const value = BigInt(Math.floor(Math.abs(Math.sin(seed.s * 7)) * 2 ** 30)) << BigInt(Math.max(0, bits - 30));
      expect(hexlify(rlpUint(value))).toBe(ethersEncodeRlp(value === 0n ? '0x' : hexlify(toBeArray(value))));
    }
  });

  it.each([[-1], [1.5], [2 ** 53], [-1n]])('refuses %s', (value) => {
    expect(() => rlpUint(value)).toThrow(RangeError);
  });
});

describe('rlpAddressHex', () => {
  it('encodes lower-case, checksummed and upper-case addresses alike', () => {
    const lower = '0x8ba1f109551bd432803012645ac136ddd64dba72';
    const expected = ethersEncodeRlp(lower);
    expect(hexlify(rlpAddressHex(lower))).toBe(expected);
    expect(hexlify(rlpAddressHex(getAddress(lower)))).toBe(expected);
    expect(hexlify(rlpAddressHex(`0X${lower.slice(2).toUpperCase()}`))).toBe(expected);
  });

  it.each([
    ['too short', '0x8ba1f109551bd432803012645ac136ddd64dba'],
    ['no 0x', '008ba1f109551bd432803012645ac136ddd64dba72'],
    ['a non-hex digit', '0x8ba1f109551bd432803012645ac136ddd64dba7g'],
    ['a non-ASCII character', '0x8ba1f109551bd432803012645ac136ddd64dba7\u00e9'],
  ])('refuses an address with %s', (_, address) => {
    expect(() => rlpAddressHex(address)).toThrow(RangeError);
  });
});

describe('encodeSignedList', () => {
  it('equals the list with r and s as RLP integers, for scalars with leading zeros, one small byte, or none at all', () => {
    const scalar = (hex: string): Uint8Array => Buffer.from(hex.padStart(64, '0'), 'hex');
    const scalars = ['ab'.repeat(32), `00${'cd'.repeat(31)}`, `0000${'7f'.repeat(30)}`, '7f', '80', '01', ''].map(scalar);
    const items = [rlpUint(5), encodeBytes(new Uint8Array(60).fill(9))];
    for (const r of scalars) {
      for (const s of scalars) {
        const asInteger = (b: Uint8Array): Uint8Array => rlpUint(BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`));
        const expected = encodeList([...items, asInteger(r), asInteger(s)], 2);
        expect(hexlify(encodeSignedList(items, r, s, 2))).toBe(hexlify(expected));
        expect(hexlify(encodeSignedList(items, r, s))).toBe(hexlify(encodeList([...items, asInteger(r), asInteger(s)])));
      }
    }
  });
});

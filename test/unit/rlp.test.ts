/**
 * Our Buffer RLP (src/chain/encoding/rlp.ts, the one RLP encoder) against ethers' encodeRlp/decodeRlp as the oracle,
 * on the length boundaries where RLP changes form, and on malformed input.
 */
import { decodeRlp, encodeRlp as ethersEncodeRlp, hexlify, type RlpStructuredDataish } from 'ethers';
import { describe, expect, it } from 'vitest';

import { encodeBytes, encodeList, encodeRlp, rlpBytesPayload, type RlpItem, splitRlpList } from '../../src/chain/encoding/rlp.js';

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

/**
 * A block reply read off its bytes must say exactly what JSON.parse of it says (its fields,
 * and its transaction hashes, lower-cased), or decline (undefined, and the reply is parsed as
 * usual): never a hash the reply does not hold, never one missed. Also the hash list made from
 * parsed texts, and the hash words both come to.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { readBlockReply } from '../../src/chain/block-reply.js';
import { HASH_WORDS, hashBytesToWords, parseHashDigits, parseHashText, wordsToHashText } from '../../src/chain/encoding/hash-words.js';
import { TxHashList } from '../../src/chain/tx-hash-list.js';
import { prng } from '../support/prng.js';

const hash = (n: number): string => `0x${createHash('sha256').update(String(n)).digest('hex')}`;
const ID = 41;

function reply(transactions: unknown, more: Record<string, unknown> = {}, id = ID): string {
  const result = { number: '0x1b4', hash: hash(-1), baseFeePerGas: '0x3b9aca00', gasUsed: '0x1c9c380', transactions, uncles: [], ...more };
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

/** What JSON.parse says of a reply: the result's fields but its list, and the list lower-cased; undefined when it is not a block of hash texts. */
function expected(text: string): { fields: Record<string, unknown>; hashes: string[] } | undefined {
  let parsed: { id?: unknown; error?: unknown; result?: { transactions?: unknown } };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return undefined;
  }
  const list = parsed.result?.transactions;
  if (parsed.id !== ID || !Array.isArray(list) || !list.every((h) => typeof h === 'string')) return undefined;
  const fields: Record<string, unknown> = { ...parsed.result };
  delete fields.transactions;
  return { fields, hashes: list.map((h: string) => h.toLowerCase()) };
}

function agrees(text: string): boolean {
  const read = readBlockReply(Buffer.from(text, 'utf8'), ID);
  if (read === undefined) return false;
  const fields: Record<string, unknown> = { ...read.fields };
  delete fields.transactions;
  expect({ fields, hashes: read.hashes.texts() }).toEqual(expected(text));
  return true;
}

describe('readBlockReply', () => {
  it("reads a block's hashes off the bytes, in order, lower-cased, and its other fields as JSON.parse does", () => {
    const hashes = Array.from({ length: 3000 }, (_, i) => hash(i));
    expect(agrees(reply(hashes))).toBe(true);
    expect(agrees(reply(hashes.map((h, i) => (i % 2 === 0 ? `0x${h.slice(2).toUpperCase()}` : h))))).toBe(true);
    expect(agrees(reply([hash(7)]))).toBe(true);
    // Another list of hashes after the transactions is left to JSON.
    expect(agrees(reply([hash(1)], { uncles: [hash(2)] }))).toBe(true);
    // Words as the tracker's index files them.
    const read = readBlockReply(Buffer.from(reply(hashes)), ID)!;
    const words = new Int32Array(HASH_WORDS);
    parseHashText(hashes[1234]!, words);
    expect(Array.from(read.hashes.words.subarray(1234 * HASH_WORDS, 1235 * HASH_WORDS))).toEqual(Array.from(words));
  });

  it('declines every reply that is not a block listing hash texts as its transactions, for the usual parse to judge', () => {
    const declined = [
      reply([]),
      JSON.stringify({ jsonrpc: '2.0', id: ID, result: null }),
      JSON.stringify({ jsonrpc: '2.0', id: ID, error: { code: -32000, message: 'header not found' } }),
      reply([hash(1), hash(2)], {}, ID + 1),
      reply([{ hash: hash(1) }, { hash: hash(2) }]),
      reply([hash(1).slice(2), hash(2).slice(2)]),
      reply([`${hash(1).slice(0, 65)}g`, hash(2)]),
      reply([`0y${hash(1).slice(2)}`]),
      // A list of hashes first, but not the transactions.
      reply([], { uncles: [hash(1)] }),
      `{"jsonrpc":"2.0","id":${ID},"result":{"transactions":["${hash(1)}",]}}`,
    ];
    for (const text of declined) expect(readBlockReply(Buffer.from(text), ID)).toBeUndefined();
  });

  it('agrees with JSON.parse, or declines, on seeded block replies with a few bytes changed', () => {
    const next = prng(25);
    const base = Buffer.from(reply(Array.from({ length: 300 }, (_, i) => hash(i))));
    // Structure and escapes, and hex digits of either case, so that many changed replies still read.
    const alphabet = Buffer.from('"\\,][{} xX\u00e90123456789abcdefABCDEF');
    let read = 0;
    for (let round = 0; round < 400; round++) {
      const body = Buffer.from(base);
      const changes = 1 + Math.floor(next() * 3);
      for (let c = 0; c < changes; c++) body[Math.floor(next() * body.length)] = alphabet[Math.floor(next() * alphabet.length)]!;
      const text = body.toString('utf8');
      if (agrees(text)) read++;
      // Declined: fine, as long as a block JSON.parse reads right is not always declined.
    }
    expect(read).toBeGreaterThan(100);
  });
});

describe('TxHashList and hash words', () => {
  it('keeps a text that is no transaction hash as it came, matching nothing, and lower-cases the rest', () => {
    const list = TxHashList.fromTexts([hash(1).toUpperCase().replace('0X', '0x'), 'not a hash', hash(2)]);
    expect(list.length).toBe(3);
    expect([list.isHash(0), list.isHash(1), list.isHash(2)]).toEqual([true, false, true]);
    expect(list.texts()).toEqual([hash(1), 'not a hash', hash(2)]);
  });

  it('gives the same words from a hash text, its bytes and its digits in a reply', () => {
    for (let n = 0; n < 50; n++) {
      const text = hash(n);
      const [a, b, c] = [new Int32Array(HASH_WORDS), new Int32Array(HASH_WORDS), new Int32Array(HASH_WORDS)];
      expect(parseHashText(text, a)).toBe(true);
      hashBytesToWords(Buffer.from(text.slice(2), 'hex'), b);
      expect(parseHashDigits(Buffer.from(`"${text.toUpperCase()}"`), 3, c, 0)).toBe(true);
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c)).toEqual(Array.from(a));
      expect(wordsToHashText(a, 0)).toBe(text);
    }
    const words = new Int32Array(HASH_WORDS);
    expect(parseHashText(`${hash(1).slice(0, 65)}G`, words)).toBe(false);
    expect(parseHashText(`${hash(1).slice(0, 65)}\u0130`, words)).toBe(false);
    expect(parseHashDigits(Buffer.from(`0x${'0'.repeat(63)}\u00ff`, 'latin1'), 2, words, 0)).toBe(false);
  });
});

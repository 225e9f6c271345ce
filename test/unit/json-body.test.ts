/**
 * Reply bodies over LARGE_BODY are parsed without one string of the whole text: the result
 * must be exactly JSON.parse's for every body, those it splits (a block's hash list) and
 * those it must not (escapes, unequal widths, objects, pretty-printing, non-ASCII, its own
 * marker in the data), and a body JSON.parse refuses must be refused too.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it, vi } from 'vitest';

import { LARGE_BODY, parseJsonBody, splitStringArray } from '../../src/rpc/json-body.js';
import { prng } from '../support/prng.js';

const hash = (n: number): string => `0x${createHash('sha256').update(String(n)).digest('hex')}`;

function block(count: number, transactions: unknown = Array.from({ length: count }, (_, i) => hash(i))): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id: 7,
    result: { number: '0x1b4', hash: hash(-1), logsBloom: `0x${'0'.repeat(512)}`, baseFeePerGas: '0x3b9aca00', transactions, uncles: [] },
  };
}

function same(text: string): void {
  const body = Buffer.from(text, 'utf8');
  let expected: unknown;
  try {
    expected = JSON.parse(text);
  } catch {
    expect(() => parseJsonBody(body)).toThrow(SyntaxError);
    return;
  }
  expect(parseJsonBody(body)).toEqual(expected);
}

describe('parseJsonBody', () => {
  it('splits a large block of transaction hashes, and gives what JSON.parse gives', () => {
    const text = JSON.stringify(block(3000));
    expect(text.length).toBeGreaterThan(LARGE_BODY);
    const span = splitStringArray(Buffer.from(text));
    expect(span).toMatchObject({ width: 68 });
    same(text);
    // The point of it: no text as long as the body is ever made and parsed.
    const parse = vi.spyOn(JSON, 'parse');
    try {
      parseJsonBody(Buffer.from(text));
      const longest = Math.max(...parse.mock.calls.map(([arg]) => arg.length));
      expect(longest).toBeLessThanOrEqual(64 * 1024 + 2);
    } finally {
      parse.mockRestore();
    }
  });

  it('parses small bodies and empty lists whole, as JSON.parse does', () => {
    same(JSON.stringify(block(3)));
    same(JSON.stringify(block(0)));
    same('{"jsonrpc":"2.0","id":1,"result":null}');
    expect(splitStringArray(Buffer.from(JSON.stringify(block(100))))).toBeUndefined();
  });

  it('falls back to one parse for every large body it must not split, with the same result', () => {
    const hashes = Array.from({ length: 3000 }, (_, i) => hash(i));
    const bodies = [
      // pretty-printed (whitespace between the elements)
      JSON.stringify(block(3000), null, 2),
      // whole transactions (objects)
      JSON.stringify(
        block(
          0,
          hashes.map((h, i) => ({ hash: h, nonce: `0x${i.toString(16)}` })),
        ),
      ),
      // unequal widths
      JSON.stringify(
        block(
          0,
          hashes.map((h, i) => (i === 1500 ? `${h}0` : h)),
        ),
      ),
      // an escape inside, of the same byte width as the rest (65 characters, one of them a quote)
      JSON.stringify(
        block(
          0,
          hashes.map((h, i) => (i === 2999 ? `${h.slice(0, -1)}"` : h)),
        ),
      ),
      // non-ASCII of the same byte width
      JSON.stringify(
        block(
          0,
          hashes.map((h, i) => (i === 10 ? `${h.slice(0, -2)}é` : h)),
        ),
      ),
      // a small string array first: only the first `["` is considered
      JSON.stringify({ ...block(3000), extra: ['a', 'b'] }).replace('"jsonrpc"', '"first":["x"],"jsonrpc"'),
      // the marker itself in the data
      JSON.stringify({ ...block(3000), note: ['\u0000klayworker: elements parsed apart'] }),
      // not JSON
      `${JSON.stringify(block(3000)).slice(0, -1)},`,
    ];
    for (const text of bodies) {
      expect(text.length).toBeGreaterThan(LARGE_BODY);
      same(text);
    }
  });

  it('agrees with JSON.parse on seeded large bodies with a few bytes changed', () => {
    const next = prng(12);
    const base = Buffer.from(JSON.stringify(block(2500)));
    const alphabet = Buffer.from('"\\,][{} a0x\u00e9');
    for (let round = 0; round < 60; round++) {
      const body = Buffer.from(base);
      const changes = 1 + Math.floor(next() * 3);
      for (let c = 0; c < changes; c++) body[Math.floor(next() * body.length)] = alphabet[Math.floor(next() * alphabet.length)]!;
      same(body.toString('utf8'));
    }
  });
});

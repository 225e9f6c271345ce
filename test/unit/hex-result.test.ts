/**
 * The reply fast path of the JSON-RPC client: a `{"jsonrpc":"2.0","id":N,"result":"0x…"}`
 * body read off its bytes must give exactly what parsing it does, and anything else must be
 * left to the parser (a wrong id, an error, a string with escapes, broken JSON).
 */
import { describe, expect, it } from 'vitest';

import { hexResult } from '../../src/rpc/rpc-call.js';
import { prng } from '../support/prng.js';

/** What the parser makes of a body for call `id`: the result string, or undefined when the fast path must not answer. */
function parsed(body: Buffer, id: number): string | undefined {
  try {
    const reply = JSON.parse(body.toString('utf8')) as { id?: unknown; result?: unknown; error?: unknown };
    if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return undefined;
    if (reply.error !== undefined && reply.error !== null) return undefined;
    return reply.id === id && typeof reply.result === 'string' ? reply.result : undefined;
  } catch {
    return undefined;
  }
}

describe('hexResult', () => {
  it('reads the usual replies: quantities and hashes, with or without a trailing newline', () => {
    const hash = `0x${'ab'.repeat(32)}`;
    expect(hexResult(Buffer.from('{"jsonrpc":"2.0","id":7,"result":"0x1b4"}'), 7)).toBe('0x1b4');
    expect(hexResult(Buffer.from(`{"jsonrpc":"2.0","id":123456,"result":"${hash}"}\n`), 123456)).toBe(hash);
    expect(hexResult(Buffer.from('{"jsonrpc":"2.0","id":9,"result":"0xABCdef"}\r\n'), 9)).toBe('0xABCdef');
  });

  it.each([
    ['another id', '{"jsonrpc":"2.0","id":8,"result":"0x1"}'],
    ['an id with a leading zero', '{"jsonrpc":"2.0","id":07,"result":"0x1"}'],
    ['an error', '{"jsonrpc":"2.0","id":7,"error":{"code":-32000,"message":"x"}}'],
    ['a result and an error', '{"jsonrpc":"2.0","id":7,"result":"0x1","error":{"code":1}}'],
    ['a string with an escape', '{"jsonrpc":"2.0","id":7,"result":"0x\\u0031"}'],
    ['a string that is not hex', '{"jsonrpc":"2.0","id":7,"result":"0xzz"}'],
    ['an unterminated string', '{"jsonrpc":"2.0","id":7,"result":"}'],
    ['an object result', '{"jsonrpc":"2.0","id":7,"result":{"a":"0x1"}}'],
    ['other spacing', '{"jsonrpc": "2.0", "id": 7, "result": "0x1"}'],
    ['another key order', '{"id":7,"jsonrpc":"2.0","result":"0x1"}'],
  ])('leaves %s to the parser', (_, body) => {
    expect(hexResult(Buffer.from(body), 7)).toBeUndefined();
  });

  it('never disagrees with the parser, over 20,000 seeded mutations of a reply', () => {
    const random = prng(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bytes = ['{', '}', '[', ']', '"', ',', ':', '0', '1', '7', '9', 'a', 'f', 'x', '\\', ' ', '\n', 'A', 'Z', 'é'];
    let fast = 0;
    for (let n = 0; n < 20_000; n++) {
      const id = pick([1, 7, 42, 100_000, 2 ** 40]);
      let text = `{"jsonrpc":"2.0","id":${pick([id, id, id, id + 1])},"result":"0x${Math.floor(random() * 2 ** 32).toString(16)}"}`;
      for (let edits = Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * (text.length + 1));
        const kind = random();
        if (kind < 0.4) text = text.slice(0, at) + text.slice(at + 1);
        else if (kind < 0.8) text = text.slice(0, at) + pick(bytes) + text.slice(at + 1);
        else text = text.slice(0, at) + pick(bytes) + text.slice(at);
      }
      const body = Buffer.from(text);
      const got = hexResult(body, id);
      if (got !== undefined) {
        fast++;
        expect(got, text).toBe(parsed(body, id));
      }
    }
    // Unchanged replies for the right id take the fast path: it is not vacuous.
    expect(fast).toBeGreaterThan(2_000);
  });
});

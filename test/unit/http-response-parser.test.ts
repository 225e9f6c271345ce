/**
 * The lean transport's response parser, fed every response whole, split at every byte and one
 * byte at a time: the same status, body and framing verdicts whatever the packets.
 */
import { describe, expect, it } from 'vitest';

import { HttpProtocolError, ResponseParser } from '../../src/rpc/http-response-parser.js';

interface Parsed {
  status: number;
  body: string;
  complete: boolean;
  keepAlive: boolean;
  extra: number;
}

/**
 * Feeds `pieces` as the lean transport does: each read into one reused buffer, scribbled over
 * once the read is done. The sink keeps what it is handed as it is, like RpcCall, and reads it
 * when the response completes: any piece the parser handed over without copying it, other
 * than the one completing the response, would come out scribbled.
 */
function parse(pieces: readonly Buffer[], eof = false): Parsed {
  const parser = new ResponseParser();
  let status = 0;
  const kept: Buffer[] = [];
  let body: string | undefined;
  parser.start({
    onHeaders: (s) => ((status = s), true),
    onData: (c) => (kept.push(c), true),
  });
  const read = Buffer.alloc(Math.max(0, ...pieces.map((p) => p.length)));
  for (const piece of pieces) {
    piece.copy(read);
    parser.feed(read.subarray(0, piece.length));
    if (parser.complete) body ??= Buffer.concat(kept).toString('utf8');
    read.fill('~');
  }
  if (eof && parser.end()) body ??= Buffer.concat(kept).toString('utf8');
  return { status, body: body ?? Buffer.concat(kept).toString('utf8'), complete: parser.complete, keepAlive: parser.keepAlive, extra: parser.extra };
}

/** Every way to cut `bytes` in two, and byte by byte. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [[bytes], Array.from(bytes, (b) => Buffer.from([b]))];
  for (let at = 1; at < bytes.length; at++) out.push([bytes.subarray(0, at), bytes.subarray(at)]);
  return out;
}

const BODY = '{"jsonrpc":"2.0","id":1,"result":"0x1b4ü"}';
const LENGTH = Buffer.byteLength(BODY);

const cases: [string, string, Partial<Parsed> & { eof?: boolean }][] = [
  ['Content-Length', `HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: ${LENGTH}\r\n\r\n${BODY}`, { status: 200, body: BODY, keepAlive: true }],
  [
    'chunked, with extensions and trailers',
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;a=b\r\n${BODY.slice(0, 5)}\r\n${(LENGTH - 5).toString(16).toUpperCase()}\r\n${BODY.slice(5)}\r\n0\r\nx-t: 1\r\n\r\n`,
    { status: 200, body: BODY, keepAlive: true },
  ],
  [
    '1xx before the final response',
    `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}`,
    { status: 201, body: '{}' },
  ],
  ['Connection: close', `HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno`, { status: 500, body: 'no', keepAlive: false }],
  ['a body read until close', `HTTP/1.1 200 OK\r\n\r\n${BODY}`, { status: 200, body: BODY, keepAlive: false, eof: true }],
  ['HTTP/1.0 keep-alive', `HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}`, { status: 200, keepAlive: true }],
  ['HTTP/1.0', `HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}`, { status: 200, keepAlive: false }],
  ['204 has no body', `HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n`, { status: 204, body: '' }],
  ['bytes after the response', `HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n`, { status: 200, body: '{}', extra: 1 }],
  // The usual framing values are read off the bytes; any case, spaces and tabs around them.
  [
    'values in any case, with tabs',
    `HTTP/1.1 200 OK\r\ncontent-length:\t2 \t\r\nCONNECTION: \tCLOSE\t\r\n\r\n{}`,
    { status: 200, body: '{}', keepAlive: false },
  ],
  ['TRANSFER-ENCODING: Chunked', `HTTP/1.1 200 OK\r\nTRANSFER-ENCODING:  Chunked \r\n\r\n2\r\n{}\r\n0\r\n\r\n`, { status: 200, body: '{}', keepAlive: true }],
  ['Connection: a list', `HTTP/1.1 200 OK\r\nConnection: Upgrade, close\r\nContent-Length: 2\r\n\r\n{}`, { status: 200, keepAlive: false }],
];

describe('ResponseParser', () => {
  it.each(cases)('%s: the same result however the bytes are split', (_name, text, expected) => {
    const { eof = false, ...want } = expected;
    const bytes = Buffer.from(text, 'utf8');
    for (const pieces of splits(bytes)) {
      const got = parse(pieces, eof);
      expect(got.complete).toBe(true);
      const { extra, ...rest } = want;
      expect(got).toMatchObject(rest);
      // Bytes after the response are seen in whichever packet brings them (the socket is then not reused).
      expect(got.extra > 0).toBe(extra !== undefined);
    }
  });

  it('a response cut short is not complete, and its end says so', () => {
    const parser = new ResponseParser();
    parser.start({ onHeaders: () => true, onData: () => true });
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}'));
    expect(parser.complete).toBe(false);
    expect(parser.end()).toBe(false);
    expect(parser.received).toBeGreaterThan(0);
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n', 'malformed status line'],
    ['not HTTP, before a line ends', 'SSH-2.0', 'no HTTP/1.x status line'],
    ['bare LF', 'HTTP/1.1 200 OK\nContent-Length: 2\n\n{}\r\n\r\n', 'malformed status line'],
    ['an empty length', 'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n{}', 'malformed Content-Length'],
    ['a signed length', 'HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}', 'malformed Content-Length'],
    ['two numbers as a length', 'HTTP/1.1 200 OK\r\nContent-Length: 2 2\r\n\r\n{}', 'malformed Content-Length'],
    ['a 16-digit length', 'HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000\r\n\r\n{}', 'malformed Content-Length'],
    ['a length padded with a non-breaking space', 'HTTP/1.1 200 OK\r\nContent-Length: 2\xa0\r\n\r\n{}', 'malformed Content-Length'],
    ['two lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 'conflicting Content-Length headers'],
    ['length and chunked', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n', 'both Content-Length and Transfer-Encoding'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n{}', 'malformed header line'],
    ['a NUL in a value', 'HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n', 'malformed header line'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n', 'malformed chunk size'],
    ['101 unasked', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', '101 Switching Protocols without an upgrade request'],
  ])('%s: an HttpProtocolError that names the fault', (_name, text, reason) => {
    const parser = new ResponseParser();
    parser.start({ onHeaders: () => true, onData: () => true });
    expect(() => parser.feed(Buffer.from(text, 'latin1'))).toThrow(new HttpProtocolError(reason));
  });
});

#!/usr/bin/env node
/**
 * Why the lean transport parses replies itself (src/rpc/http-response-parser.ts): its parser
 * against http-parser-js (the well-kept pure-JS parser autocannon uses; here through
 * autocannon, a devDependency) on the same replies, one parser reused across replies as a
 * keep-alive socket does, each reply in one packet as nginx sends it. Prints nanoseconds per
 * reply (CPU time) for each and the ratio.
 *
 *   node bench/lib/parser-bench.mjs [--replies 2000000]     (after npm run build)
 *
 * Measured on the 2-core dev machine, pinned, CPU time per reply (2026-12-03, after the framing
 * headers' values were read off the bytes): nginx's eth_blockNumber reply, ours 0.44 µs (was
 * 0.68), http-parser-js 1.75–1.85 µs (4.0–4.3×); a chunked reply, ours 0.38 µs (was 0.66),
 * http-parser-js 1.8 µs (4.9×).
 */
import { createRequire } from 'node:module';

import { ResponseParser } from '../../dist/src/rpc/http-response-parser.js';

const require = createRequire(import.meta.url);
const { HTTPParser } = require('http-parser-js');

const args = process.argv.slice(2);
const replies = Number(args[args.indexOf('--replies') + 1] || 2_000_000);

const body = '{"jsonrpc":"2.0","id":12345,"result":"0x1b4"}';
const REPLIES = {
  nginx: Buffer.from(
    `HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 03 Dec 2026 13:00:00 GMT\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`,
  ),
  chunked: Buffer.from(
    `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nDate: Thu, 03 Dec 2026 13:00:00 GMT\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
  ),
};

function ours(reply) {
  const parser = new ResponseParser();
  let bytes = 0;
  const sink = { onHeaders: () => true, onData: (c) => ((bytes += c.length), true) };
  return () => {
    parser.start(sink);
    parser.feed(reply);
    if (!parser.complete || !parser.keepAlive) throw new Error('ours: incomplete');
    return bytes;
  };
}

function httpParserJs(reply) {
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  let bytes = 0;
  let done = false;
  let keepAlive = false;
  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    keepAlive = info.shouldKeepAlive;
  };
  parser[HTTPParser.kOnBody] = (_chunk, _offset, length) => {
    bytes += length;
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    done = true;
  };
  return () => {
    done = false;
    const r = parser.execute(reply);
    if (r instanceof Error || !done || !keepAlive) throw new Error('http-parser-js: incomplete');
    return bytes;
  };
}

/** CPU nanoseconds per reply (CPU time, not the clock: a shared machine's other programs do not count). */
function time(run) {
  for (let i = 0; i < replies / 10; i++) run();
  const start = process.cpuUsage();
  for (let i = 0; i < replies; i++) run();
  const { user, system } = process.cpuUsage(start);
  return ((user + system) * 1000) / replies;
}

for (const [name, reply] of Object.entries(REPLIES)) {
  const a = time(ours(reply));
  const b = time(httpParserJs(reply));
  process.stdout.write(`${name}: ours ${a.toFixed(0)} ns/reply, http-parser-js ${b.toFixed(0)} ns/reply (${(b / a).toFixed(2)}x)\n`);
}

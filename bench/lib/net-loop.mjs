#!/usr/bin/env node
/**
 * The ceiling of the throughput benchmark: the least any Node client can do per JSON-RPC call
 * on its own sockets. N keep-alive sockets (node:net, or node:tls with --ca-file), each writing
 * the same prebuilt request bytes, finding the end of the reply's head, reading its
 * Content-Length, and JSON.parse-ing the body; no pool, no deadline, no chunked bodies, no
 * error handling beyond counting. Prints `ready` after the first reply, and
 * `{"requests":n,"failures":n}` on SIGTERM.
 *
 *   node bench/lib/net-loop.mjs URL [--loops 50] [--ca-file PEM]
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const [url, ...rest] = process.argv.slice(2);
const flags = Object.fromEntries(rest.flatMap((v, i) => (i % 2 === 0 ? [[v, rest[i + 1]]] : [])));
const loops = Number(flags['--loops'] ?? 50);
if (!url || !Number.isSafeInteger(loops) || loops < 1) {
  process.stderr.write('usage: net-loop.mjs URL [--loops N] [--ca-file PEM]\n');
  process.exit(2);
}

const target = new URL(url);
const tls = target.protocol === 'https:';
const ca = flags['--ca-file'] === undefined ? undefined : [readFileSync(flags['--ca-file'], 'utf8')];
const port = Number(target.port || (tls ? 443 : 80));
const body = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}';
const request = Buffer.from(
  `POST ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  'latin1',
);
const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH = /\r\ncontent-length:\s*(\d+)/i;
let requests = 0;
let failures = 0;
let announced = false;

function loop() {
  const socket = tls ? tlsConnect({ host: target.hostname, port, ca }) : netConnect({ host: target.hostname, port });
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(request));
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const end = pending.indexOf(HEAD_END);
    if (end < 0) return;
    const head = pending.toString('latin1', 0, end);
    const length = Number(LENGTH.exec(head)?.[1] ?? -1);
    if (pending.length < end + 4 + length) return;
    try {
      JSON.parse(pending.toString('utf8', end + 4, end + 4 + length));
      if (head.startsWith('HTTP/1.1 200')) requests++;
      else failures++;
    } catch {
      failures++;
    }
    pending = pending.subarray(end + 4 + length);
    if (!announced) {
      announced = true;
      process.stdout.write('ready\n');
    }
    socket.write(request);
  });
  socket.on('error', () => failures++);
  socket.on('close', () => setTimeout(loop, 10));
}

process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ requests, failures })}\n`);
  process.exit(0);
});
for (let i = 0; i < loops; i++) loop();

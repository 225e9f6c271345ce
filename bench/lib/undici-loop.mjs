#!/usr/bin/env node
/**
 * The floor of the throughput benchmark: the least a Node client can do per JSON-RPC call.
 * An undici Pool and N loops, each posting the same eth_blockNumber body and reading the
 * reply, with no parsing, stats, limiter, deadline or master. Prints `ready` after the first
 * reply, and `{"requests":n,"failures":n}` on SIGTERM.
 *
 *   node bench/lib/undici-loop.mjs URL [--loops 50] [--api request|dispatch]
 *
 * --api request (default): `pool.request()` and `body.text()`, undici's everyday API.
 * --api dispatch: `pool.dispatch()` with a bare handler that keeps the body's bytes, the
 * lower-level API klayworker's JSON-RPC client itself uses: the floor for the same API.
 */
import { Pool } from 'undici';

const [url, ...rest] = process.argv.slice(2);
const flags = Object.fromEntries(rest.flatMap((v, i) => (i % 2 === 0 ? [[v, rest[i + 1]]] : [])));
const loops = Number(flags['--loops'] ?? 50);
const api = flags['--api'] ?? 'request';
if (!url || !Number.isSafeInteger(loops) || loops < 1 || (api !== 'request' && api !== 'dispatch')) {
  process.stderr.write('usage: undici-loop.mjs URL [--loops N] [--api request|dispatch]\n');
  process.exit(2);
}

const target = new URL(url);
const pool = new Pool(target.origin, { connections: loops, pipelining: 1 });
const request = {
  path: target.pathname + target.search,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
};
let requests = 0;
let failures = 0;
let announced = false;

/** One call through pool.dispatch: resolves with the status code once the body is read. */
function dispatch() {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks = [];
    pool.dispatch(request, {
      onConnect() {},
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        Buffer.concat(chunks).toString('utf8');
        resolve(status);
      },
      onError: reject,
    });
  });
}

async function call() {
  if (api === 'dispatch') return dispatch();
  const res = await pool.request(request);
  await res.body.text();
  return res.statusCode;
}

async function loop() {
  for (;;) {
    try {
      if ((await call()) === 200) requests++;
      else failures++;
    } catch {
      failures++;
    }
    if (!announced && requests > 0) {
      announced = true;
      process.stdout.write('ready\n');
    }
  }
}

process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ requests, failures })}\n`);
  process.exit(0);
});
for (let i = 0; i < loops; i++) void loop();

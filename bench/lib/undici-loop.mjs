#!/usr/bin/env node
/**
 * The floor of the throughput benchmark: the least a Node client can do per JSON-RPC call.
 * An undici Pool and N loops, each posting the same eth_blockNumber body and reading the
 * reply, with no parsing, stats, limiter, deadline or master. Prints `ready` after the first
 * reply, and `{"requests":n,"failures":n}` on SIGTERM.
 *
 *   node bench/lib/undici-loop.mjs URL [--loops 50]
 */
import { Pool } from 'undici';

const [url, flag, value] = process.argv.slice(2);
const loops = flag === '--loops' ? Number(value) : 50;
if (!url || !Number.isSafeInteger(loops) || loops < 1) {
  process.stderr.write('usage: undici-loop.mjs URL [--loops N]\n');
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

async function loop() {
  for (;;) {
    try {
      const res = await pool.request(request);
      await res.body.text();
      if (res.statusCode === 200) requests++;
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

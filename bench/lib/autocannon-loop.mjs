#!/usr/bin/env node
/**
 * The peer of the throughput benchmark: autocannon (a devDependency), Node's best-known load
 * generator, posting the same eth_blockNumber body over N keep-alive connections, one request
 * in flight on each (its default), until stopped. Its own machinery runs as it always does
 * (latency histograms, a timeout per request); over https it does not verify the certificate
 * (autocannon never does), which only spares it work. Prints `ready` after the first reply,
 * and `{"requests":n,"failures":n}` on SIGTERM.
 *
 *   node bench/lib/autocannon-loop.mjs URL [--connections 50]
 */
import autocannon from 'autocannon';

const [url, ...rest] = process.argv.slice(2);
const flags = Object.fromEntries(rest.flatMap((v, i) => (i % 2 === 0 ? [[v, rest[i + 1]]] : [])));
const connections = Number(flags['--connections'] ?? 50);
if (!url || !Number.isSafeInteger(connections) || connections < 1) {
  process.stderr.write('usage: autocannon-loop.mjs URL [--connections N]\n');
  process.exit(2);
}

const instance = autocannon({
  url,
  connections,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
  // Until stopped: a day.
  duration: 86_400,
});
instance.once('response', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  instance.once('done', (result) => {
    const failures = result.errors + result.timeouts + result.non2xx;
    process.stdout.write(`${JSON.stringify({ requests: result['2xx'], failures })}\n`);
    process.exit(0);
  });
  instance.stop();
});

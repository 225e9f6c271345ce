/**
 * The target of the rate-accuracy benchmark: a JSON-RPC endpoint that answers eth_blockNumber
 * (and eth_chainId: the worker's start-up probe), echoing the request's id, and records when
 * each eth_blockNumber request arrived, in epoch milliseconds with microsecond resolution.
 * nginx's access log only has milliseconds; at 5,000 requests/s the ideal gap is 0.2 ms.
 *
 * It runs as its own process (pinned to the core the worker is not on) and is driven over
 * Node's IPC channel: it sends `{ port }` when listening, and answers `{ cmd: 'reset' }` and
 * `{ cmd: 'dump', file }` (arrival times as a Float64Array) in order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

import { BenchError, withDeadline } from './processes.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const ID = /"id"\s*:\s*(\d+)/;

/**
 * Starts the target pinned to `core`; resolves once it listens.
 * @param {import('./processes.mjs').ProcessGroup} group
 * @param {{ core: number }} options
 */
export async function startArrivalTarget(group, { core }) {
  const proc = group.start(core, process.execPath, [SCRIPT], { ipc: true });
  const replies = [];
  const waiting = [];
  proc.child.on('message', (message) => {
    const next = waiting.shift();
    if (next) next(message);
    else replies.push(message);
  });
  const nextMessage = (what) =>
    withDeadline(
      new Promise((resolve) => (replies.length > 0 ? resolve(replies.shift()) : waiting.push(resolve))),
      10_000,
      () => `arrival target: no answer to ${what}; output tail:\n${proc.tail()}`,
    );
  const { port } = await nextMessage('start');
  if (typeof port !== 'number') throw new BenchError('arrival target did not report its port');
  return {
    url: `http://127.0.0.1:${port}/`,
    proc,
    /** Forgets the arrivals so far. */
    async reset() {
      proc.child.send({ cmd: 'reset' });
      await nextMessage('reset');
    },
    /** The arrival times so far, in epoch ms, in arrival order. */
    async arrivals(file) {
      proc.child.send({ cmd: 'dump', file });
      const { count } = await nextMessage('dump');
      const bytes = readFileSync(file);
      const times = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      if (times.length !== count) throw new BenchError(`arrival target: dumped ${count} times, read ${times.length}`);
      return times;
    },
    stop: () => proc.stop(),
  };
}

/**
 * Epoch milliseconds with sub-microsecond resolution: the monotonic clock, anchored to the
 * instant Date.now() ticks over, so times compare with other processes' Date.now() to a few µs.
 */
function epochClock() {
  const before = Date.now();
  let epoch = before;
  while (epoch === before) epoch = Date.now();
  const anchor = process.hrtime.bigint();
  return () => epoch + Number(process.hrtime.bigint() - anchor) / 1e6;
}

function serve() {
  const now = epochClock();
  let times = new Float64Array(1 << 16);
  let count = 0;
  const record = (at) => {
    if (count === times.length) {
      const bigger = new Float64Array(times.length * 2);
      bigger.set(times);
      times = bigger;
    }
    times[count++] = at;
  };
  const server = createServer((req, res) => {
    // Timed when the headers are parsed, before the body is read.
    const at = now();
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      // Only the load counts, not the worker's start-up probe (eth_chainId).
      if (body.includes('"eth_blockNumber"')) record(at);
      const reply = `{"jsonrpc":"2.0","id":${ID.exec(body)?.[1] ?? 1},"result":"0x1b4"}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
      res.end(reply);
    });
  });
  // At 10 requests/s over 50 users a connection idles 5 s between requests: keep it open.
  server.keepAliveTimeout = 120_000;
  process.on('message', (message) => {
    if (message.cmd === 'reset') {
      count = 0;
      process.send({ reset: true });
    } else if (message.cmd === 'dump') {
      // Bodies on different connections can finish out of order: sort into arrival order.
      writeFileSync(message.file, times.subarray(0, count).sort());
      process.send({ count });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

if (process.argv[1] === SCRIPT && process.send) serve();

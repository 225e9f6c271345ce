#!/usr/bin/env node
/**
 * The inclusion tracker's books alone, outside any worker: for each block, a block's worth of
 * transactions (2,000, over 200 accounts) registered and accepted as a send would (expect,
 * then the ticket's accepted), then the block that holds them read and settled, `mined` rows
 * included. The node is an in-process object answering the block follower's two calls; hashes
 * are made beforehand, as a signer makes them (`0x${hex}`), and each block's reply is handed to
 * the follower as bytes, read as the client's are (src/chain/block-reply.ts). Prints CPU nanoseconds per transaction.
 *
 *   node bench/lib/tracker-books.mjs [--blocks 200]     (after npm run build)
 *
 * Measured on the 2-core dev machine, pinned (2026-12-04): 2.6–2.9 µs of CPU a transaction,
 * the block's JSON.parse included (and the harness's own strings, a small part); 2026-12-05
 * 14:50, three runs each: 3.2–3.5 µs both with the block's reply parsed (44b946a) and read
 * off its bytes (4293f3b). A whole
 * valueTransfer costs about 78 µs of CPU (bench/README.md §5b). Self times of a profile do not
 * split it well: V8 inlines the tracker's methods into this loop.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers';

import pino from 'pino';

import { InclusionTracker } from '../../dist/src/chain/inclusion/inclusion-tracker.js';
import { RequestStats } from '../../dist/src/stats/request-stats.js';

const args = process.argv.slice(2);
const BLOCKS = Number(args[args.indexOf('--blocks') + 1] || 200);
const PER_BLOCK = 2_000;
const ACCOUNTS = 200;

let head = 0;
/** Each block's reply, by number, until it is read. */
const replies = new Map();
const node = {
  async call(method) {
    if (method.endsWith('_blockNumber')) return { result: `0x${head.toString(16)}`, bytes: 0 };
    throw new Error(`${method}: not this node's`);
  },
  // The block reads: their bytes handed to the follower's reader, as the client does.
  async callThen(method, params, _startedAt, end) {
    const body = replies.get(Number(params[0])) ?? Buffer.from('{"jsonrpc":"2.0","id":1,"result":null}');
    replies.delete(Number(params[0]));
    return end.readBody?.(body, 1) ?? end.succeeded({ result: JSON.parse(body.toString()).result, bytes: body.length });
  },
  async batch() {
    return [];
  },
};
const tracker = new InclusionTracker({
  rpc: node,
  namespace: 'eth',
  log: pino({ level: 'silent' }),
  recorder: new RequestStats(),
  receiptTimeoutMs: 60_000,
  pollMs: 0,
});
await tracker.start();
tracker.open();
const noop = () => {};
const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
  address: `0x${i.toString(16).padStart(40, '0')}`,
  trackedBy: undefined,
  trackerId: -1,
  pendingAdded: noop,
  pendingSettled: noop,
  heal: noop,
  resend: noop,
  cancelResend: noop,
}));
const nonces = new Array(ACCOUNTS).fill(0);
const hexes = Array.from({ length: BLOCKS * PER_BLOCK }, () => randomBytes(32).toString('hex'));

let cpuUs = 0;
for (let b = 0; b < BLOCKS; b++) {
  const start = process.cpuUsage();
  const hashes = [];
  for (let i = 0; i < PER_BLOCK; i++) {
    const a = i % ACCOUNTS;
    const hash = `0x${hexes[b * PER_BLOCK + i]}`;
    hashes.push(hash);
    const ticket = tracker.expect({ hash, account: accounts[a], nonce: nonces[a]++, name: 'valueTransfer', maxPrice: 1n, replaceable: true, resend: noop });
    ticket.accepted(hash);
  }
  head += 1;
  const result = { number: `0x${head.toString(16)}`, baseFeePerGas: '0x1', gasUsed: '0x0', gasLimit: '0x1', transactions: hashes };
  replies.set(head, Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result })));
  const mined = tracker.counts().mined + PER_BLOCK;
  while (tracker.counts().mined < mined) await new Promise((resolve) => setImmediate(resolve));
  const used = process.cpuUsage(start);
  cpuUs += used.user + used.system;
}
await tracker.close();
console.log(
  `${((cpuUs * 1000) / (BLOCKS * PER_BLOCK)).toFixed(0)} ns of CPU per transaction (expect, accepted, the block read and settled); ${tracker.counts().mined} mined`,
);

#!/usr/bin/env node
/**
 * The ceiling of the into-node benchmark: a node's own limit for accepting value transfers,
 * measured by flooding it with transactions signed beforehand, so that nothing but sending
 * costs this process anything. Signs `--per-account` transfers from each of anvil's dev
 * accounts 1..`--accounts` (account 0 is left to the worker under test), prints `ready`, then
 * on SIGUSR2 sends them all with `--concurrency` requests in flight (nonce-major order, so each
 * account's transactions arrive in nonce order) and prints one JSON line with the counts.
 *
 *   node bench/lib/tx-flood.mjs DIST_DIR URL --accounts 20 --per-account 3000 --concurrency 64
 */
import { HDNodeWallet } from 'ethers';

import { DEV_MNEMONIC } from './anvil.mjs';
import { importFromDist } from './dist.mjs';

const [dist, url, ...rest] = process.argv.slice(2);
const flags = Object.fromEntries(rest.reduce((pairs, v, i) => (i % 2 === 0 ? [...pairs, [v.replace(/^--/, ''), Number(rest[i + 1])]] : pairs), []));
const { accounts = 20, 'per-account': perAccount = 3000, concurrency = 64 } = flags;
const { JsonRpcClient } = await importFromDist(dist, 'src/rpc/json-rpc.js');
const { signTransfer } = await importFromDist(dist, 'src/chain/signing/sign-transfer.js', 'testcases/sign-transfer.js');

const rpc = new JsonRpcClient(url, { connections: concurrency, timeoutMs: 30_000 });
const chainId = BigInt((await rpc.call('eth_chainId', [])).result);
const gasPrice = BigInt((await rpc.call('eth_gasPrice', [])).result) * 2n;
const fee = { type: 'legacy', gasPrice };
const senders = [];
for (let i = 1; i <= accounts; i++) {
  const wallet = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
  const nonce = Number(BigInt((await rpc.call('eth_getTransactionCount', [wallet.address, 'pending'])).result));
  senders.push({ wallet, nonce });
}
const raws = [];
for (let k = 0; k < perAccount; k++) {
  for (const [i, { wallet, nonce }] of senders.entries()) {
    const to = senders[(i + 1) % senders.length].wallet.address;
    raws.push(signTransfer(wallet.signingKey, { chainId, nonce: nonce + k, to, value: 1n, fee }).raw);
  }
}
process.stdout.write('ready\n');
// A signal handler alone does not keep the event loop alive.
const idle = setInterval(() => undefined, 60_000);
await new Promise((resolve) => process.once('SIGUSR2', resolve));
clearInterval(idle);

let next = 0;
let accepted = 0;
let failed = 0;
const errors = new Map();
const started = performance.now();
async function sender() {
  while (next < raws.length) {
    const raw = raws[next++];
    try {
      await rpc.call('eth_sendRawTransaction', [raw]);
      accepted++;
    } catch (err) {
      failed++;
      errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, sender));
const seconds = (performance.now() - started) / 1000;
await rpc.close();
process.stdout.write(`${JSON.stringify({ accepted, failed, seconds, errors: Object.fromEntries([...errors].slice(0, 3)) })}\n`);

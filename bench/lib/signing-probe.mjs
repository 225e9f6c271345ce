#!/usr/bin/env node
/**
 * The signing benchmark's measuring process (run pinned to one core): signatures and signed
 * transfers per second for about `seconds` each, printed as one JSON line.
 *
 *   node bench/lib/signing-probe.mjs DIST_DIR [seconds]
 *
 * - raw: bare secp256k1 signatures of 32-byte digests by the signer this process picked
 *   (native libsecp256k1, or pure JS with KLAYWORKER_SIGNING=js);
 * - transfers: signed value transfers end to end the way valueTransfer makes them: lease an
 *   account from the nonce manager, take its nonce, sign a transfer to a random account with
 *   a random value, release the lease as sent;
 * - ethers: ethers' Wallet.signTransaction of the same transfer, for context.
 */
import { randomBytes } from 'node:crypto';

import { importFromDist } from './dist.mjs';

const [dist, secondsText = '3'] = process.argv.slice(2);
const seconds = Number(secondsText);
const { SigningKey, Wallet, hexlify, getAddress, computeAddress } = await import('ethers');
const { defaultEcdsaSigner } = await importFromDist(dist, 'src/chain/signing/ecdsa.js', 'testcases/ecdsa.js');
const { signTransfer } = await importFromDist(dist, 'src/chain/signing/sign-transfer.js', 'testcases/sign-transfer.js');
const { NonceManager } = await importFromDist(dist, 'src/chain/nonce-manager.js', 'testcases/nonce-manager.js');

const ACCOUNTS = 100;
const accounts = Array.from({ length: ACCOUNTS }, (_, index) => {
  const signer = new SigningKey(hexlify(randomBytes(32)));
  return { index, address: computeAddress(signer.publicKey), signer };
});
const fee = { type: '1559', maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
const chainId = 8217n;

/** Runs `step` in batches until `seconds` have passed; returns operations per second. */
async function rate(step) {
  // Warm up (JIT, key caches) for a tenth of the time, then measure.
  const warmUntil = performance.now() + seconds * 100;
  while (performance.now() < warmUntil) await step();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await step();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

const ecdsa = defaultEcdsaSigner();
const digests = Array.from({ length: 256 }, () => randomBytes(32));
let d = 0;
const raw = await rate(() => {
  ecdsa.sign(accounts[d % ACCOUNTS].signer, digests[d++ & 255]);
});

const nonces = new NonceManager(accounts, async () => 0);
const transfers = await rate(async () => {
  const lease = await nonces.lease();
  const nonce = await lease.nonce();
  const from = lease.account;
  let to = accounts[Math.floor(Math.random() * ACCOUNTS)];
  if (to === from) to = accounts[(from.index + 1) % ACCOUNTS];
  const value = BigInt(1 + Math.floor(Math.random() * 1000));
  signTransfer(from.signer, { chainId, nonce, to: to.address, value, fee });
  lease.release('sent');
});

const wallets = accounts.slice(0, 10).map((a) => new Wallet(a.signer.privateKey));
let w = 0;
const ethers = await rate(async () => {
  const wallet = wallets[w++ % wallets.length];
  await wallet.signTransaction({
    type: 2,
    chainId,
    nonce: w,
    to: getAddress(accounts[w % ACCOUNTS].address),
    value: 1n,
    gasLimit: 21_000n,
    maxFeePerGas: fee.maxFeePerGas,
    maxPriorityFeePerGas: fee.maxPriorityFeePerGas,
  });
});

process.stdout.write(`${JSON.stringify({ backend: ecdsa.backend, raw, transfers, ethers })}\n`);

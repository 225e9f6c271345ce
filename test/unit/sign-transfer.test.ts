/**
 * Signed value transfers: byte for byte what ethers' own Transaction signing gives, for legacy
 * (EIP-155) and type-2 transactions over many random fields, by the native libsecp256k1 signer
 * and by the pure-JS fallback alike; the fallback is chosen when the binding cannot load or
 * KLAYWORKER_SIGNING=js says so.
 */
import { randomBytes } from 'node:crypto';

import { getAddress, getBytes, hexlify, SigningKey, Transaction, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';

import type { FeeQuote } from '../../src/chain/chain-context.js';
import { chooseEcdsaSigner, type EcdsaSigner, SIGNING_ENV } from '../../src/chain/signing/ecdsa.js';
import { signTransfer, type Transfer, TRANSFER_GAS } from '../../src/chain/signing/sign-transfer.js';

const native = chooseEcdsaSigner({ env: {} });
const js = chooseEcdsaSigner({ env: { [SIGNING_ENV]: 'js' } });

/** A random bigint below 2^bits, biased towards RLP's edge cases (0, < 0x80, 0x80, long). */
function randomUint(bits: number): bigint {
  const pick = Math.random();
  if (pick < 0.1) return 0n;
  if (pick < 0.2) return BigInt(Math.floor(Math.random() * 0x80));
  if (pick < 0.25) return 0x80n;
  const bytes = Math.max(1, Math.ceil((Math.random() * bits) / 8));
  return BigInt(hexlify(randomBytes(bytes))) % (1n << BigInt(bits));
}

function randomAddress(): string {
  const bytes = randomBytes(20);
  // Leading zero bytes are kept in an address (it is not an integer).
  if (Math.random() < 0.2) bytes.fill(0, 0, 1 + Math.floor(Math.random() * 4));
  const hex = hexlify(bytes);
  return Math.random() < 0.5 ? getAddress(hex) : hex;
}

/** A tip never above the fee cap: ethers (and every node) refuses such a transaction. */
function randomFees1559(): FeeQuote {
  const maxFeePerGas = randomUint(80);
  const tip = randomUint(60);
  return { type: '1559', maxFeePerGas, maxPriorityFeePerGas: tip > maxFeePerGas ? maxFeePerGas : tip };
}

function randomTransfer(type: FeeQuote['type']): Transfer {
  const chainIds = [0n, 1n, 1001n, 8217n, 31337n, randomUint(40) + 1n];
  const fee: FeeQuote = type === 'legacy' ? { type, gasPrice: randomUint(80) } : randomFees1559();
  return {
    chainId: chainIds[Math.floor(Math.random() * chainIds.length)]!,
    nonce: Number(randomUint(48)),
    to: randomAddress(),
    value: randomUint(100),
    fee,
  };
}

/** The reference: ethers builds, signs and serialises the same transfer itself (the digest: its hash's bytes, which the tracker files). */
function ethersSigned(key: SigningKey, t: Transfer): { raw: string; hash: string; digest: Uint8Array } {
  const tx = new Transaction();
  if (t.fee.type === '1559') {
    tx.type = 2;
    tx.maxFeePerGas = t.fee.maxFeePerGas;
    tx.maxPriorityFeePerGas = t.fee.maxPriorityFeePerGas;
  } else {
    tx.type = 0;
    tx.gasPrice = t.fee.gasPrice;
  }
  tx.chainId = t.chainId;
  tx.nonce = t.nonce;
  tx.to = t.to;
  tx.value = t.value;
  tx.gasLimit = TRANSFER_GAS;
  tx.signature = key.sign(tx.unsignedHash);
  return { raw: tx.serialized, hash: tx.hash!, digest: getBytes(tx.hash!) };
}

describe.each([
  ['native libsecp256k1', native],
  ['pure-JS fallback', js],
] as [string, EcdsaSigner][])('signTransfer with the %s signer', (_name, ecdsa) => {
  const rounds = ecdsa.backend === 'native' ? 1_000 : 300;

  it.each(['legacy', '1559'] as const)(`%s: ${rounds} random transfers equal ethers' own signing`, (type) => {
    const keys = Array.from({ length: 8 }, () => new SigningKey(hexlify(randomBytes(32))));
    for (let i = 0; i < rounds; i++) {
      const key = keys[i % keys.length]!;
      const transfer = randomTransfer(type);
      const mine = signTransfer(key, transfer, ecdsa);
      expect(
        mine,
        JSON.stringify(transfer, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      ).toEqual(ethersSigned(key, transfer));
    }
  });

  it('reuses a fee template only for its own chain id', () => {
    const key = new SigningKey(hexlify(randomBytes(32)));
    const fee: FeeQuote = { type: 'legacy', gasPrice: 25_000_000_000n };
    const base = { nonce: 3, to: randomAddress(), value: 10n, fee };
    for (const chainId of [1n, 8217n, 1n]) {
      expect(signTransfer(key, { ...base, chainId }, ecdsa)).toEqual(ethersSigned(key, { ...base, chainId }));
    }
  });

  it('signs as the sender: the node recovers the signing account', () => {
    const wallet = Wallet.createRandom();
    for (const type of ['legacy', '1559'] as const) {
      const { raw, hash } = signTransfer(wallet.signingKey, randomTransfer(type), ecdsa);
      const decoded = Transaction.from(raw);
      expect(decoded.from).toBe(wallet.address);
      expect(decoded.hash).toBe(hash);
    }
  });
});

describe('choosing the signer', () => {
  it('uses the native binding here, and the pure-JS one when told to', () => {
    expect(native.backend).toBe('native');
    expect(js.backend).toBe('js');
  });

  it('falls back to pure JS when the binding cannot load, and still signs correctly', () => {
    const fallback = chooseEcdsaSigner({
      env: {},
      requireBinding: () => {
        throw new Error('Cannot find module secp256k1/bindings');
      },
    });
    expect(fallback.backend).toBe('js');
    const key = new SigningKey(hexlify(randomBytes(32)));
    const transfer = randomTransfer('1559');
    expect(signTransfer(key, transfer, fallback)).toEqual(ethersSigned(key, transfer));
  });

  it('rejects malformed fields with one line instead of signing garbage', () => {
    const key = new SigningKey(hexlify(randomBytes(32)));
    const good = randomTransfer('legacy');
    expect(() => signTransfer(key, { ...good, to: '0x1234' })).toThrow(/invalid recipient address/);
    expect(() => signTransfer(key, { ...good, nonce: -1 })).toThrow(/invalid nonce/);
    expect(() => signTransfer(key, { ...good, value: -1n })).toThrow(/invalid value/);
    const tipAboveCap: FeeQuote = { type: '1559', maxFeePerGas: 10n, maxPriorityFeePerGas: 11n };
    expect(() => signTransfer(key, { ...good, fee: tipAboveCap })).toThrow(/priority fee above the fee cap/);
  });
});

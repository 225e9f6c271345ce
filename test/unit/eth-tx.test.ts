/**
 * Typed Ethereum transactions encoded by the one RLP encoder and signed by the one ECDSA signer
 * (native when it loads) are byte for byte what ethers encodes and signs by itself, for every type, with and without a recipient, and the
 * signature recovers to the sender.
 */
import { hexlify, randomBytes, SigningKey, Transaction, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';

import type { FeeQuote } from '../../src/chain/chain-context.js';
import { type EthTx, signEthTx } from '../../src/chain/signing/eth-tx.js';

function ethersSigned(key: SigningKey, tx: EthTx): string {
  const t = new Transaction();
  t.type = tx.type;
  if (tx.type === 2) {
    t.maxFeePerGas = tx.fee.type === '1559' ? tx.fee.maxFeePerGas : tx.fee.gasPrice;
    t.maxPriorityFeePerGas = tx.fee.type === '1559' ? tx.fee.maxPriorityFeePerGas : tx.fee.gasPrice;
  } else {
    t.gasPrice = tx.fee.type === '1559' ? tx.fee.maxFeePerGas : tx.fee.gasPrice;
  }
  if (tx.type !== 0) t.accessList = (tx.accessList ?? []).map((e) => ({ address: e.address, storageKeys: [...e.storageKeys] }));
  Object.assign(t, { chainId: tx.chainId, nonce: tx.nonce, to: tx.to, data: tx.data, value: tx.value, gasLimit: tx.gasLimit });
  t.signature = key.sign(t.unsignedHash);
  return t.serialized;
}

describe('signEthTx', () => {
  const fees: FeeQuote[] = [
    { type: 'legacy', gasPrice: 2_000_000_000n },
    { type: '1559', maxFeePerGas: 4_294_967_296n, maxPriorityFeePerGas: 1_000_000_000n },
  ];
  it.each([0, 1, 2] as const)('type %i: the same bytes as ethers, over random keys, recipients and data', (type) => {
    // Data across RLP's length boundaries: empty, one byte below and above 0x80, 55 and 56 bytes, two length bytes.
    const dataLengths = [0, 1, 1, 4, 55, 56, 300, 1_100];
    for (let i = 0; i < 48; i++) {
      const key = new SigningKey(hexlify(randomBytes(32)));
      const length = dataLengths[i % dataLengths.length]!;
      const data = length === 1 ? (i % 2 === 0 ? '0x7f' : '0x80') : hexlify(randomBytes(length));
      const entries = i % 4;
      const accessList = Array.from({ length: entries }, (_, e) => ({
        address: Wallet.createRandom().address,
        storageKeys: Array.from({ length: e }, () => hexlify(randomBytes(32))),
      }));
      const tx: EthTx = {
        type,
        chainId: [1n, 31337n, 1001n, 8217n][i % 4]!,
        nonce: i === 0 ? 0 : i * 7919,
        to: i % 5 === 0 ? null : Wallet.createRandom().address,
        data,
        value: i === 1 ? 0n : BigInt(i) * 10n ** 15n + (i === 2 ? 2n ** 200n : 0n),
        gasLimit: 21_000n + BigInt(i) * 1_000n,
        fee: fees[i % 2]!,
        ...(type === 0 ? {} : { accessList }),
      };
      const signed = signEthTx(key, tx);
      expect(signed.raw).toBe(ethersSigned(key, tx));
      expect(Transaction.from(signed.raw).from).toBe(new Wallet(key.privateKey).address);
      expect(signed.hash).toBe(Transaction.from(signed.raw).hash);
    }
  });
});

/**
 * Typed Ethereum transactions signed by the one ECDSA signer (native when it loads) are byte
 * for byte what ethers signs by itself, for every type, with and without a recipient, and the
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
  if (tx.type !== 0) t.accessList = tx.accessList ?? [];
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
    for (let i = 0; i < 40; i++) {
      const key = new SigningKey(hexlify(randomBytes(32)));
      const tx: EthTx = {
        type,
        chainId: [1n, 31337n, 1001n, 8217n][i % 4]!,
        nonce: i * 7919,
        to: i % 5 === 0 ? null : Wallet.createRandom().address,
        data: hexlify(randomBytes(i % 3 === 0 ? 0 : 4 + i)),
        value: BigInt(i) * 10n ** 15n,
        gasLimit: 21_000n + BigInt(i) * 1_000n,
        fee: fees[i % 2]!,
        ...(type === 0 ? {} : { accessList: i % 2 === 0 ? [] : [{ address: Wallet.createRandom().address, storageKeys: [hexlify(randomBytes(32))] }] }),
      };
      const signed = signEthTx(key, tx);
      expect(signed.raw).toBe(ethersSigned(key, tx));
      expect(Transaction.from(signed.raw).from).toBe(new Wallet(key.privateKey).address);
      expect(signed.hash).toBe(Transaction.from(signed.raw).hash);
    }
  });
});

/**
 * Signing a value transfer: the hot path of every transaction test case, kept behind this
 * one function so it can be made faster (e.g. a hand-rolled RLP template) without touching
 * its callers. It builds no provider objects and resolves nothing asynchronously.
 */
import { keccak256, Transaction, type SigningKey } from 'ethers';
import type { FeeQuote } from './chain-context.js';

/** Intrinsic gas of a plain transfer to an externally owned account. */
export const TRANSFER_GAS = 21_000n;

export interface Transfer {
  readonly chainId: bigint;
  readonly nonce: number;
  /** Checksummed or lower-case address. */
  readonly to: string;
  /** wei */
  readonly value: bigint;
  readonly fee: FeeQuote;
}

export interface SignedTx {
  /** 0x-prefixed bytes for eth_sendRawTransaction. */
  readonly raw: string;
  /** The transaction hash the chain will know it by. */
  readonly hash: string;
}

/** Signs `transfer` with `signer`: a type-2 transaction for 1559 fees, else EIP-155 legacy. */
export function signTransfer(signer: SigningKey, transfer: Transfer): SignedTx {
  const tx = new Transaction();
  const { fee } = transfer;
  if (fee.type === '1559') {
    tx.type = 2;
    tx.maxFeePerGas = fee.maxFeePerGas;
    tx.maxPriorityFeePerGas = fee.maxPriorityFeePerGas;
  } else {
    tx.type = 0;
    tx.gasPrice = fee.gasPrice;
  }
  tx.chainId = transfer.chainId;
  tx.nonce = transfer.nonce;
  tx.to = transfer.to;
  tx.value = transfer.value;
  tx.gasLimit = TRANSFER_GAS;
  tx.signature = signer.sign(tx.unsignedHash);
  const raw = tx.serialized;
  return { raw, hash: keccak256(raw) };
}

/**
 * Signing Kaia-native transactions: the sender signs keccak(SigRLP), a fee payer signs
 * keccak(FeePayerSigRLP), both with EIP-155 `v` (chainId × 2 + 35 + yParity). Signatures come
 * from the one ECDSA signer (signing/ecdsa.ts: native libsecp256k1, ethers' pure JS as the
 * fallback), RFC 6979 deterministic with low S either way, so equal inputs give equal bytes
 * (the published vectors rely on it).
 *
 * This is the hot path of every Kaia test case: synchronous, no provider, every field given.
 * Pass SigningKey objects rather than hex strings in loops: building one derives the public
 * key, which costs about as much as a signature.
 */
import { SigningKey } from 'ethers/crypto';
import { computeAddress } from 'ethers/transaction';
import { getBytes } from 'ethers/utils';

import { keccak256, keccak256Hex } from '../encoding/keccak.js';
import { defaultEcdsaSigner, type RecoverableSignature } from '../signing/ecdsa.js';
import {
  decodeSenderTxRlp,
  encodeAddress,
  encodeFields,
  encodeSignatures,
  feePayerSigRlpOf,
  type KaiaTxFields,
  sigRlpOf,
  toHex,
  txRlpOf,
} from './tx-encoding.js';
import { kaiaTxTypeInfo } from './tx-types.js';

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;
/** secp256k1's group order: a private key is a number in [1, N-1]. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * Signs `fields` as the sender. Returns the TxHashRLP of a basic type (ready for
 * kaia_sendRawTransaction) or the SenderTxHashRLP of a fee-delegated type (for signAsFeePayer).
 */
export function signKaiaTx(fields: KaiaTxFields, senderKey: SigningKey | string): string {
  const key = signingKey(senderKey, 'sender key');
  const info = kaiaTxTypeInfo(fields.type);
  const encodings = encodeFields(info, fields);
  const chainId = BigInt(fields.chainId);
  const signature = defaultEcdsaSigner().sign(key, keccak256(sigRlpOf(info.code, encodings, chainId)));
  return toHex(txRlpOf(info.code, encodings, eip155(signature, chainId)));
}

/**
 * Adds the fee payer's signature to a SenderTxHashRLP and returns the final TxHashRLP. The
 * chain id comes from the sender's signature. `feePayerAddress` defaults to the key's own
 * address; give it for a decoupled fee payer (an account whose key was updated).
 */
export function signAsFeePayer(senderRlp: string, feePayerKey: SigningKey | string, feePayerAddress?: string): string {
  const key = signingKey(feePayerKey, 'fee payer key');
  const feePayer = encodeAddress(feePayerAddress ?? computeAddress(key.publicKey), 'fee payer address');
  const tx = decodeSenderTxRlp(senderRlp);
  const signature = defaultEcdsaSigner().sign(key, keccak256(feePayerSigRlpOf(tx.info.code, tx.fieldEncodings, feePayer, tx.chainId)));
  const signed = { address: feePayer, signatures: eip155(signature, tx.chainId) };
  return toHex(txRlpOf(tx.info.code, tx.fieldEncodings, tx.senderSignatures, signed));
}

/**
 * keccak256 of a signed RLP: of a TxHashRLP it is the hash the node reports for the
 * transaction; of a fee-delegated type's SenderTxHashRLP it is the SenderTxHash.
 */
export function kaiaTxHash(rlp: string): string {
  return keccak256Hex(getBytes(rlp));
}

function eip155(signature: RecoverableSignature, chainId: bigint): Buffer {
  const scalar = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  return encodeSignatures([[chainId * 2n + 35n + BigInt(signature.recid), scalar(signature.r), scalar(signature.s)]]);
}

/** The message names the role, never the key text. */
function signingKey(key: SigningKey | string, role: string): SigningKey {
  if (typeof key !== 'string') return key;
  if (!PRIVATE_KEY.test(key)) throw new TypeError(`the ${role} must be a 0x-prefixed 32-byte hex private key`);
  const scalar = BigInt(key);
  if (scalar === 0n || scalar >= CURVE_ORDER) {
    throw new TypeError(`the ${role} is not a valid secp256k1 private key (zero or above the curve order)`);
  }
  return new SigningKey(key);
}

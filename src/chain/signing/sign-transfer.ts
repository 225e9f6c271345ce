/**
 * Signing a value transfer: the hot path of every transaction test case, kept behind this
 * one function. A transfer is encoded from a per-fee template (transfer-rlp.ts), hashed, and
 * signed by the native libsecp256k1 binding when it loads, else by ethers' pure-JS signer
 * (ecdsa.ts); the bytes are the same as ethers' own Transaction signing either way.
 * Hashing uses the project's one keccak (encoding/keccak.ts), hashed twice per transfer.
 */
import type { SigningKey } from 'ethers/crypto';

import type { FeeQuote } from '../chain-context.js';
import { hashHex, keccak256 } from '../encoding/keccak.js';
import { encodeSigned, encodeTransferFields, encodeUnsigned, type TransferFields, type TransferTemplate, transferTemplate } from '../encoding/transfer-rlp.js';
import { defaultEcdsaSigner, type EcdsaSigner } from './ecdsa.js';

export { TRANSFER_GAS } from '../encoding/transfer-rlp.js';
export { type SigningBackend, signingBackend } from './ecdsa.js';

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
  /** The transaction hash the chain will know it by, lower-case 0x hex (the tracker matches it as it is). */
  readonly hash: string;
  /** The same hash's 32 bytes, where the signer kept them: the tracker files them as they are instead of reading the hex back. */
  readonly digest?: Uint8Array;
}

/**
 * Templates by fee quote: a fee oracle hands out the same quote object until the fee changes,
 * so this finds the template without comparing numbers. Weak, so old quotes are let go.
 */
const templates = new WeakMap<FeeQuote, TransferTemplate>();

function templateFor(chainId: bigint, fee: FeeQuote): TransferTemplate {
  const cached = templates.get(fee);
  if (cached !== undefined && cached.chainId === chainId) return cached;
  const made = transferTemplate(chainId, fee);
  templates.set(fee, made);
  return made;
}

/**
 * Signs `transfer` with `signer`: a type-2 transaction for 1559 fees, else EIP-155 legacy.
 * `ecdsa` picks the signature code (default: native when it loads); tests compare both.
 */
export function signTransfer(signer: SigningKey, transfer: Transfer, ecdsa: EcdsaSigner = defaultEcdsaSigner()): SignedTx {
  const { chainId, nonce, to, value, fee } = transfer;
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError(`invalid nonce ${nonce}`);
  if (value < 0n) throw new RangeError(`invalid value ${value}`);
  const template = templateFor(chainId, fee);
  let fields: TransferFields;
  try {
    // The recipient's hex is checked as it is encoded (a regular expression first cost 3 % of a transfer's encoding).
    fields = encodeTransferFields(nonce, to, value);
  } catch {
    throw new TypeError(`invalid recipient address ${JSON.stringify(to)}`);
  }
  const raw = encodeSigned(template, fields, ecdsa.sign(signer, keccak256(encodeUnsigned(template, fields))));
  const digest = keccak256(raw);
  return { raw: `0x${raw.toString('hex')}`, hash: hashHex(digest), digest };
}

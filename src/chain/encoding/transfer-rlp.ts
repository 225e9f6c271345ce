/**
 * The RLP bytes of a plain value transfer, legacy (EIP-155) or type 2 (EIP-1559), assembled
 * from a template of the fields that are the same for every transfer at one fee (chain id,
 * fees, gas limit, empty data and access list), so a transfer encodes only its nonce,
 * recipient, value and signature. The result is byte for byte what ethers' Transaction
 * serialises (test/unit/sign-transfer.test.ts compares them over many random transfers).
 */
import type { FeeQuote } from '../chain-context.js';
import type { RecoverableSignature } from '../signing/ecdsa.js';
import { encodeList, encodeSignedList, RLP_EMPTY as EMPTY, RLP_EMPTY_LIST as EMPTY_LIST, rlpAddressHex, rlpUint } from './rlp.js';

/** Intrinsic gas of a plain transfer to an externally owned account. */
export const TRANSFER_GAS = 21_000n;

const TYPE_1559 = 2;

/** The constant parts of one (chain id, fee) combination. */
export interface TransferTemplate {
  readonly chainId: bigint;
  readonly fee: FeeQuote;
  /** The EIP-2718 type byte, or undefined for a legacy transaction. */
  readonly typeByte: number | undefined;
  /** Before the nonce: the chain id (1559) or nothing (legacy). */
  readonly head: Uint8Array;
  /** Between nonce and recipient: the fees and the gas limit. */
  readonly middle: Uint8Array;
  /** After the value, unsigned: data and access list (1559), or data, chain id, 0, 0 (EIP-155). */
  readonly unsignedTail: Uint8Array;
  /** After the value, before the signature: data and access list, or data. */
  readonly signedTail: Uint8Array;
  /** The encoded v (legacy: EIP-155 folds the chain id in) or y parity (1559), by recovery id. */
  readonly v: readonly [Uint8Array, Uint8Array];
}

export function transferTemplate(chainId: bigint, fee: FeeQuote): TransferTemplate {
  const gas = rlpUint(TRANSFER_GAS);
  if (fee.type === '1559') {
    if (fee.maxPriorityFeePerGas > fee.maxFeePerGas) {
      throw new RangeError(`priority fee above the fee cap (${fee.maxPriorityFeePerGas} > ${fee.maxFeePerGas} wei)`);
    }
    const tail = Buffer.concat([EMPTY, EMPTY_LIST]);
    return {
      chainId,
      fee,
      typeByte: TYPE_1559,
      head: rlpUint(chainId),
      middle: Buffer.concat([rlpUint(fee.maxPriorityFeePerGas), rlpUint(fee.maxFeePerGas), gas]),
      unsignedTail: tail,
      signedTail: tail,
      v: [rlpUint(0), rlpUint(1)],
    };
  }
  // Chain id 0 means no replay protection: a pre-EIP-155 signature (v 27/28), as ethers does.
  const replayProtected = chainId !== 0n;
  const v = replayProtected ? chainId * 2n + 35n : 27n;
  return {
    chainId,
    fee,
    typeByte: undefined,
    head: new Uint8Array(0),
    middle: Buffer.concat([rlpUint(fee.gasPrice), gas]),
    unsignedTail: replayProtected ? Buffer.concat([EMPTY, rlpUint(chainId), EMPTY, EMPTY]) : EMPTY,
    signedTail: EMPTY,
    v: [rlpUint(v), rlpUint(v + 1n)],
  };
}

/** What varies between transfers at one fee, each already an RLP item (see encodeTransferFields). */
export interface TransferFields {
  readonly nonce: Uint8Array;
  readonly to: Uint8Array;
  readonly value: Uint8Array;
}

/** Encodes a transfer's nonce, recipient (0x-prefixed hex) and value once, for both the unsigned and the signed bytes. */
export function encodeTransferFields(nonce: number, to: string, value: bigint): TransferFields {
  return { nonce: rlpUint(nonce), to: rlpAddressHex(to), value: rlpUint(value) };
}

/** The bytes whose keccak256 is signed. */
export function encodeUnsigned(t: TransferTemplate, f: TransferFields): Uint8Array {
  return encodeList([t.head, f.nonce, t.middle, f.to, f.value, t.unsignedTail], t.typeByte);
}

/** The raw transaction for eth_sendRawTransaction. */
export function encodeSigned(t: TransferTemplate, f: TransferFields, sig: RecoverableSignature): Buffer {
  const v = t.v[sig.recid];
  if (v === undefined) throw new RangeError(`invalid recovery id ${sig.recid}`);
  return encodeSignedList([t.head, f.nonce, t.middle, f.to, f.value, t.signedTail, v], sig.r, sig.s, t.typeByte);
}

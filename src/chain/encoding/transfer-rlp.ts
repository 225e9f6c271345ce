/**
 * The RLP bytes of a plain value transfer, legacy (EIP-155) or type 2 (EIP-1559), assembled
 * from a template of the fields that are the same for every transfer at one fee (chain id,
 * fees, gas limit, empty data and access list), so a transfer encodes only its nonce,
 * recipient, value and signature. The result is byte for byte what ethers' Transaction
 * serialises (test/unit/sign-transfer.test.ts compares them over many random transfers).
 */
import type { FeeQuote } from '../chain-context.js';
import type { RecoverableSignature } from '../signing/ecdsa.js';

/** Intrinsic gas of a plain transfer to an externally owned account. */
export const TRANSFER_GAS = 21_000n;

const EMPTY = Uint8Array.of(0x80);
const EMPTY_LIST = Uint8Array.of(0xc0);
const TYPE_1559 = 2;

/** The constant parts of one (chain id, fee) combination. */
export interface TransferTemplate {
  readonly chainId: bigint;
  readonly fee: FeeQuote;
  /** The EIP-2718 type byte, or null for a legacy transaction. */
  readonly typeByte: number | null;
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
    const tail = concat([EMPTY, EMPTY_LIST]);
    return {
      chainId,
      fee,
      typeByte: TYPE_1559,
      head: rlpUint(chainId),
      middle: concat([rlpUint(fee.maxPriorityFeePerGas), rlpUint(fee.maxFeePerGas), gas]),
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
    typeByte: null,
    head: new Uint8Array(0),
    middle: concat([rlpUint(fee.gasPrice), gas]),
    unsignedTail: replayProtected ? concat([EMPTY, rlpUint(chainId), EMPTY, EMPTY]) : EMPTY,
    signedTail: EMPTY,
    v: [rlpUint(v), rlpUint(v + 1n)],
  };
}

/** What varies between transfers at one fee. `to` is the 20-byte address. */
export interface TransferFields {
  readonly nonce: number;
  readonly to: Uint8Array;
  readonly value: bigint;
}

/** The bytes whose keccak256 is signed. */
export function encodeUnsigned(t: TransferTemplate, f: TransferFields): Uint8Array {
  return encodeList(t.typeByte, [t.head, rlpUint(f.nonce), t.middle, rlpAddress(f.to), rlpUint(f.value), t.unsignedTail]);
}

/** The raw transaction for eth_sendRawTransaction. */
export function encodeSigned(t: TransferTemplate, f: TransferFields, sig: RecoverableSignature): Uint8Array {
  const v = t.v[sig.recid];
  if (v === undefined) throw new RangeError(`invalid recovery id ${sig.recid}`);
  return encodeList(t.typeByte, [t.head, rlpUint(f.nonce), t.middle, rlpAddress(f.to), rlpUint(f.value), t.signedTail, v, rlpScalar(sig.r), rlpScalar(sig.s)]);
}

/** An RLP list of already-encoded items, after the type byte if there is one. */
function encodeList(typeByte: number | null, items: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const item of items) length += item.length;
  const header = length < 56 ? 1 : 1 + byteLength(length);
  const prefix = typeByte === null ? 0 : 1;
  const out = Buffer.allocUnsafe(prefix + header + length);
  let at = 0;
  if (typeByte !== null) out[at++] = typeByte;
  if (length < 56) {
    out[at++] = 0xc0 + length;
  } else {
    const lengthBytes = header - 1;
    out[at++] = 0xf7 + lengthBytes;
    for (let i = lengthBytes - 1; i >= 0; i--) out[at++] = (length >>> (8 * i)) & 0xff;
  }
  for (const item of items) {
    out.set(item, at);
    at += item.length;
  }
  return out;
}

/** A non-negative integer as an RLP string: minimal big-endian bytes, empty for zero. */
export function rlpUint(value: bigint | number): Uint8Array {
  if (value < 0) throw new RangeError(`RLP integers are unsigned, got ${value}`);
  if (value === 0 || value === 0n) return EMPTY;
  if (value < 0x80) return Uint8Array.of(Number(value));
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return withStringHeader(bytes);
}

/** A 32-byte signature scalar as an RLP integer (leading zero bytes dropped, as ethers does). */
function rlpScalar(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  if (trimmed.length === 0) return EMPTY;
  if (trimmed.length === 1 && trimmed[0]! < 0x80) return trimmed.slice();
  return withStringHeader(trimmed);
}

function rlpAddress(address: Uint8Array): Uint8Array {
  if (address.length !== 20) throw new RangeError(`an address is 20 bytes, got ${address.length}`);
  return withStringHeader(address);
}

/** A short string (under 56 bytes: integers, scalars and addresses all are) with its header. */
function withStringHeader(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  out[0] = 0x80 + bytes.length;
  out.set(bytes, 1);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function byteLength(n: number): number {
  let bytes = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes++;
  return bytes;
}

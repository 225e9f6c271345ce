/**
 * The RLP forms of a Kaia-native transaction, per the Kaia docs (docs.kaia.io, "Transactions"):
 *
 *   SigRLP          = rlp([rlp([type, ...fields]), chainId, 0, 0])             (sender signs keccak of it)
 *   FeePayerSigRLP  = rlp([rlp([type, ...fields]), feePayer, chainId, 0, 0])   (fee payer signs keccak of it)
 *   SenderTxHashRLP = type ‖ rlp([...fields, senderSigs])
 *   TxHashRLP       = type ‖ rlp([...fields, senderSigs])                        basic types (same bytes)
 *                   = type ‖ rlp([...fields, senderSigs, feePayer, feePayerSigs]) fee-delegated types
 *
 * where `fields` = nonce, gasPrice, gas, then the type's layout (tx-types.ts). Integers are
 * minimal big-endian (0 is the empty string), as Kaia's Go RLP decoder insists: a leading
 * zero byte in any integer, signatures included, makes the node reject the transaction.
 *
 * Everything is explicit and synchronous: no provider, no defaults fetched, no population.
 * Fields are encoded once and the encodings reused for every form.
 */
import { errorMessage } from '../../util/errors.js';
import { encodeBytes, encodeList, isRlpBytes, RLP_EMPTY, rlpBytesPayload, splitRlpList } from '../encoding/rlp.js';
import { type KaiaLayoutField, type KaiaTxTypeCode, type KaiaTxTypeInfo, kaiaTxTypeInfo, kaiaTxTypeLabel } from './tx-types.js';

export interface KaiaTxFields {
  readonly type: KaiaTxTypeCode;
  readonly chainId: bigint | number;
  readonly nonce: bigint | number;
  /** kei (peb) per gas. */
  readonly gasPrice: bigint | number;
  /** The gas limit. */
  readonly gas: bigint | number;
  /** The sender's address; may differ from the signing key's address (a decoupled account). */
  readonly from: string;
  /** Required by transfers and executions; null/absent for deploys (Kaia picks the address). */
  readonly to?: string | null;
  /** kei; 0 when absent. */
  readonly value?: bigint | number;
  /** Memo (ValueTransferMemo types), call data (executions) or init code (deploys); 0x when absent. */
  readonly data?: string;
  /** AccountUpdate types and AccountCreation: the RLP-encoded (new) account key (see account-key.ts). */
  readonly key?: string;
  /** Deploys and AccountCreation: false when absent. Kaia has this feature switched off. */
  readonly humanReadable?: boolean;
  /** Deploys: 0 (EVM) when absent. */
  readonly codeFormat?: number;
  /** WithRatio types: the fee payer's share in percent, 1..99. */
  readonly feeRatio?: number;
}

/** One signature as hex byte strings [v, r, s], each minimal big-endian (see quantityItem). */
export type RlpSignature = readonly [v: string, r: string, s: string];

/** A fee-delegated transaction's sender part, read back from its SenderTxHashRLP. */
export interface SenderSignedTx {
  readonly info: KaiaTxTypeInfo;
  readonly chainId: bigint;
  /** The RLP encodings of nonce, gasPrice, gas and the layout fields, as the sender made them. */
  readonly fieldEncodings: readonly Buffer[];
  /** The RLP encoding of the sender's signature list. */
  readonly senderSignatures: Buffer;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const UINT64_MAX = (1n << 64n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;
const NO_BYTES = Buffer.alloc(0);
const HUMAN_READABLE = encodeBytes(Buffer.from([1]));
/** Fields whose presence on a type without them is a mistake worth reporting. */
const OPTIONAL_FIELDS: readonly KaiaLayoutField[] = ['to', 'value', 'data', 'key', 'humanReadable', 'codeFormat', 'feeRatio'];

/** A non-negative integer as minimal big-endian bytes; throws a one-line error naming `what`. */
export function quantityBytes(value: bigint | number, what: string, max: bigint = UINT256_MAX): Buffer {
  let n: bigint;
  if (typeof value === 'bigint') {
    n = value;
  } else {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer, got ${value}`);
    n = BigInt(value);
  }
  if (n < 0n || n > max) throw new RangeError(`${what} must be between 0 and ${max}, got ${n}`);
  if (n === 0n) return NO_BYTES;
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
}

/** The same as 0x-prefixed hex ("0x" for zero): an RLP integer item. */
export function quantityItem(value: bigint | number, what: string, max: bigint = UINT256_MAX): string {
  return toHex(quantityBytes(value, what, max));
}

/** The RLP encodings of nonce, gasPrice, gas and the type's layout fields, checked. */
export function encodeFields(info: KaiaTxTypeInfo, fields: KaiaTxFields): Buffer[] {
  const label = kaiaTxTypeLabel(info.code);
  for (const name of OPTIONAL_FIELDS) {
    if (fields[name] !== undefined && !info.layout.includes(name) && !(name === 'to' && fields.to === null)) {
      throw new TypeError(`${label} has no ${name} field`);
    }
  }
  const encodings = [
    encodeBytes(quantityBytes(fields.nonce, `${label} nonce`, UINT64_MAX)),
    encodeBytes(quantityBytes(fields.gasPrice, `${label} gasPrice`)),
    encodeBytes(quantityBytes(fields.gas, `${label} gas`, UINT64_MAX)),
  ];
  for (const name of info.layout) encodings.push(encodeLayoutField(info, label, name, fields));
  return encodings;
}

function encodeLayoutField(info: KaiaTxTypeInfo, label: string, name: KaiaLayoutField, fields: KaiaTxFields): Buffer {
  switch (name) {
    case 'from':
      return encodeAddress(fields.from, `${label} from`);
    case 'to':
      if (info.family === 'smartContractDeploy') {
        return fields.to === undefined || fields.to === null ? RLP_EMPTY : encodeAddress(fields.to, `${label} to`);
      }
      if (fields.to === undefined || fields.to === null) throw new TypeError(`${label} needs a recipient (to)`);
      return encodeAddress(fields.to, `${label} to`);
    case 'value':
      return encodeBytes(quantityBytes(fields.value ?? 0n, `${label} value`));
    case 'data':
      return encodeBytes(hexBytes(fields.data ?? '0x', `${label} data`));
    case 'key':
      if (fields.key === undefined || fields.key === '0x') throw new TypeError(`${label} needs the new account key (key)`);
      return encodeBytes(hexBytes(fields.key, `${label} key`));
    case 'humanReadable':
      return fields.humanReadable === true ? HUMAN_READABLE : RLP_EMPTY;
    case 'codeFormat':
      return encodeBytes(quantityBytes(fields.codeFormat ?? 0, `${label} codeFormat`, 0xffn));
    case 'feeRatio': {
      const ratio = fields.feeRatio;
      if (ratio === undefined || !Number.isInteger(ratio) || ratio < 1 || ratio > 99) {
        throw new RangeError(`${label} feeRatio must be an integer percentage from 1 to 99, got ${ratio}`);
      }
      return encodeBytes(quantityBytes(ratio, `${label} feeRatio`));
    }
  }
}

/** An address's RLP encoding; throws a one-line error naming `what`. */
export function encodeAddress(address: string, what: string): Buffer {
  if (!ADDRESS.test(address)) throw new TypeError(`${what} must be a 20-byte hex address, got ${JSON.stringify(address)}`);
  return encodeBytes(Buffer.from(address.slice(2), 'hex'));
}

function hexBytes(hex: string, what: string): Buffer {
  if (!HEX_BYTES.test(hex)) throw new TypeError(`${what} must be 0x-prefixed hex bytes`);
  return Buffer.from(hex.slice(2), 'hex');
}

/** rlp([rlp([type, ...fields]), chainId, 0, 0]): what the sender signs. */
export function sigRlpOf(type: KaiaTxTypeCode, fieldEncodings: readonly Buffer[], chainId: bigint): Buffer {
  return encodeList([encodeBytes(encodeList([typeEncoding(type), ...fieldEncodings])), encodeBytes(quantityBytes(chainId, 'chainId')), RLP_EMPTY, RLP_EMPTY]);
}

/** rlp([rlp([type, ...fields]), feePayer, chainId, 0, 0]): what the fee payer signs. */
export function feePayerSigRlpOf(type: KaiaTxTypeCode, fieldEncodings: readonly Buffer[], feePayer: Buffer, chainId: bigint): Buffer {
  return encodeList([
    encodeBytes(encodeList([typeEncoding(type), ...fieldEncodings])),
    feePayer,
    encodeBytes(quantityBytes(chainId, 'chainId')),
    RLP_EMPTY,
    RLP_EMPTY,
  ]);
}

/** The RLP list of signatures, each [v, r, s] given as minimal big-endian integers. */
export function encodeSignatures(signatures: ReadonlyArray<readonly [v: bigint, r: bigint, s: bigint]>): Buffer {
  return encodeList(
    signatures.map(([v, r, s]) =>
      encodeList([encodeBytes(quantityBytes(v, 'signature v')), encodeBytes(quantityBytes(r, 'signature r')), encodeBytes(quantityBytes(s, 'signature s'))]),
    ),
  );
}

/**
 * type ‖ rlp([...fields, senderSigs]) — the TxHashRLP of a basic type, the SenderTxHashRLP of a
 * fee-delegated one — or, with a fee payer, type ‖ rlp([...fields, senderSigs, feePayer, feePayerSigs]).
 * Takes encodings (encodeAddress, encodeSignatures).
 */
export function txRlpOf(
  type: KaiaTxTypeCode,
  fieldEncodings: readonly Buffer[],
  senderSignatures: Buffer,
  feePayer?: { readonly address: Buffer; readonly signatures: Buffer },
): Buffer {
  const items = [...fieldEncodings, senderSignatures];
  if (feePayer !== undefined) items.push(feePayer.address, feePayer.signatures);
  return Buffer.concat([Buffer.from([type]), encodeList(items)]);
}

/** The SigRLP of `fields` (what the sender's signature covers), as hex. */
export function kaiaSigRlp(fields: KaiaTxFields): string {
  const info = kaiaTxTypeInfo(fields.type);
  return toHex(sigRlpOf(info.code, encodeFields(info, fields), BigInt(fields.chainId)));
}

/** The FeePayerSigRLP of `fields` with `feePayer` (what the fee payer's signature covers), as hex. */
export function kaiaFeePayerSigRlp(fields: KaiaTxFields, feePayer: string): string {
  const info = requireFeeDelegated(kaiaTxTypeInfo(fields.type));
  return toHex(feePayerSigRlpOf(info.code, encodeFields(info, fields), encodeAddress(feePayer, 'feePayer'), BigInt(fields.chainId)));
}

/**
 * The transaction with signatures made elsewhere (hardware wallets, published vectors), as
 * hex: TxHashRLP, or SenderTxHashRLP for a fee-delegated type without `feePayer`.
 */
export function assembleKaiaTx(
  fields: KaiaTxFields,
  senderSignatures: readonly RlpSignature[],
  feePayer?: { readonly address: string; readonly signatures: readonly RlpSignature[] },
): string {
  const info = kaiaTxTypeInfo(fields.type);
  if (feePayer !== undefined) requireFeeDelegated(info);
  const encodedFeePayer = feePayer && {
    address: encodeAddress(feePayer.address, 'feePayer'),
    signatures: encodeHexSignatures(feePayer.signatures),
  };
  return toHex(txRlpOf(info.code, encodeFields(info, fields), encodeHexSignatures(senderSignatures), encodedFeePayer));
}

function encodeHexSignatures(signatures: readonly RlpSignature[]): Buffer {
  return encodeList(signatures.map((sig) => encodeList(sig.map((part) => encodeBytes(hexBytes(part, 'signature'))))));
}

/** Reads a SenderTxHashRLP (hex) back; throws a one-line error for anything else. */
export function decodeSenderTxRlp(rlp: string): SenderSignedTx {
  if (!HEX_BYTES.test(rlp) || rlp.length < 4) throw new TypeError('expected a SenderTxHashRLP as 0x-prefixed hex bytes');
  const info = requireFeeDelegated(kaiaTxTypeInfo(Number.parseInt(rlp.slice(2, 4), 16)));
  const label = kaiaTxTypeLabel(info.code);
  let items: Buffer[];
  try {
    items = splitRlpList(Buffer.from(rlp.slice(4), 'hex'));
  } catch (err) {
    throw new TypeError(`${label}: the sender RLP is malformed (${errorMessage(err)})`, { cause: err });
  }
  const fieldCount = 3 + info.layout.length;
  if (items.length !== fieldCount + 1) {
    throw new TypeError(
      items.length === fieldCount + 3
        ? `${label}: the transaction already carries a fee payer`
        : `${label}: expected ${fieldCount} fields and the sender's signatures, got ${items.length} items`,
    );
  }
  const fieldEncodings = items.slice(0, fieldCount);
  if (!fieldEncodings.every(isRlpBytes)) throw new TypeError(`${label}: a field is a list, not bytes`);
  const senderSignatures = items[fieldCount]!;
  return { info, chainId: chainIdOfSignatures(senderSignatures, label), fieldEncodings, senderSignatures };
}

/** EIP-155: v = chainId × 2 + 35 + yParity, from the first [v, r, s] of the list. */
function chainIdOfSignatures(encoded: Buffer, label: string): bigint {
  let v: Buffer;
  try {
    const first = isRlpBytes(encoded) ? undefined : splitRlpList(encoded)[0];
    const parts = first === undefined || isRlpBytes(first) ? [] : splitRlpList(first);
    if (parts.length !== 3 || !parts.every(isRlpBytes)) throw new TypeError('no [v, r, s]');
    v = rlpBytesPayload(parts[0]!);
  } catch {
    throw new TypeError(`${label}: the sender's signatures are missing or malformed`);
  }
  const n = v.length === 0 ? 0n : BigInt(toHex(v));
  if (n < 35n) throw new TypeError(`${label}: the sender's signature has no chain id (v = ${n})`);
  return (n - 35n) / 2n;
}

function requireFeeDelegated(info: KaiaTxTypeInfo): KaiaTxTypeInfo {
  if (!info.feeDelegated) throw new TypeError(`${kaiaTxTypeLabel(info.code)} is not fee-delegated: it has no fee payer`);
  return info;
}

function typeEncoding(type: KaiaTxTypeCode): Buffer {
  return encodeBytes(Buffer.from([type]));
}

export function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}`;
}

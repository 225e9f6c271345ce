/**
 * The one RLP encoder: just enough RLP for signing, on Node Buffers, used by the transfer
 * templates of the hot path (transfer-rlp.ts) and by every Kaia type (kaia/tx-encoding.ts).
 * ethers' encodeRlp goes through hex strings and arrays of numbers, which costs about 0.2 ms
 * per 2 KB memo per pass; a signed memo transaction needs several passes. Here bytes are
 * copied once per list (one allocation, the type byte included), and a list read back is
 * split into the raw encodings of its items, so a fee payer re-uses the sender's bytes.
 */

export type RlpItem = Uint8Array | readonly RlpItem[];

/** The encoding of the empty byte string (also the integer 0). */
export const RLP_EMPTY: Buffer = Buffer.from([0x80]);
/** The encoding of the empty list. */
export const RLP_EMPTY_LIST: Buffer = Buffer.from([0xc0]);

/** Encodes a byte string, or a list of items. */
export function encodeRlp(item: RlpItem): Buffer {
  if (item instanceof Uint8Array) return encodeBytes(item);
  return encodeList(item.map(encodeRlp));
}

/** A byte string: a single byte below 0x80 is its own encoding. */
export function encodeBytes(bytes: Uint8Array): Buffer {
  if (bytes.length === 1 && bytes[0]! < 0x80) return Buffer.from(bytes);
  return Buffer.concat([header(0x80, bytes.length), bytes]);
}

/** A list whose items are already encoded, after an EIP-2718 type byte if one is given. */
export function encodeList(encodedItems: readonly Uint8Array[], typeByte?: number): Buffer {
  return listWithRoom(encodedItems, 0, typeByte).out;
}

/**
 * A signed transaction's list: `encodedItems`, then the signature's r and s written straight
 * from its 32-byte scalars (leading zero bytes dropped, as ethers does), after an EIP-2718
 * type byte if one is given. Every signed transaction is encoded this way, so the scalars'
 * own encodings (two views and two copies a transaction) are skipped.
 */
export function encodeSignedList(encodedItems: readonly Uint8Array[], r: Uint8Array, s: Uint8Array, typeByte?: number): Buffer {
  const rAt = firstNonZero(r);
  const sAt = firstNonZero(s);
  const { out, at } = listWithRoom(encodedItems, scalarLength(r, rAt) + scalarLength(s, sAt), typeByte);
  writeScalar(out, writeScalar(out, at, r, rAt), s, sAt);
  return out;
}

/** Items up to this many bytes are copied byte by byte (see listWithRoom). */
const SMALL_ITEM = 24;

/** The list's type byte, header and items, with `room` more payload bytes left at `at` (one allocation). */
function listWithRoom(encodedItems: readonly Uint8Array[], room: number, typeByte: number | undefined): { out: Buffer; at: number } {
  let length = room;
  for (const item of encodedItems) length += item.length;
  const headerBytes = headerLength(length);
  const out = Buffer.allocUnsafe((typeByte === undefined ? 0 : 1) + headerBytes + length);
  let at = 0;
  if (typeByte !== undefined) out[at++] = typeByte;
  at = writeListHeader(out, at, length, headerBytes);
  for (const item of encodedItems) {
    // A transfer's items are a few bytes each: a loop copies them in a third of the time of
    // TypedArray#set, whose call costs more than the copy (measured on signed transfers).
    if (item.length <= SMALL_ITEM) for (let k = 0; k < item.length; k++) out[at + k] = item[k]!;
    else out.set(item, at);
    at += item.length;
  }
  return { out, at };
}

function firstNonZero(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length && bytes[at] === 0) at++;
  return at;
}

/** The length of a scalar's encoding from its first non-zero byte `at`. */
function scalarLength(bytes: Uint8Array, at: number): number {
  const n = bytes.length - at;
  return n === 0 || (n === 1 && bytes[at]! < 0x80) ? 1 : 1 + n;
}

function writeScalar(out: Uint8Array, at: number, bytes: Uint8Array, from: number): number {
  const n = bytes.length - from;
  if (n === 0) {
    out[at] = 0x80;
    return at + 1;
  }
  if (n === 1 && bytes[from]! < 0x80) {
    out[at] = bytes[from]!;
    return at + 1;
  }
  out[at] = 0x80 + n;
  out.set(n === bytes.length ? bytes : bytes.subarray(from), at + 1);
  return at + 1 + n;
}

/** A non-negative integer as an RLP string: minimal big-endian bytes, empty for zero. */
export function rlpUint(value: bigint | number): Uint8Array {
  if (value < 0) throw new RangeError(`RLP integers are unsigned, got ${value}`);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`RLP integers given as numbers must be whole and below 2^53, got ${value}`);
  }
  if (value === 0 || value === 0n) return RLP_EMPTY;
  if (value < 0x80) return Uint8Array.of(Number(value));
  if (typeof value === 'number') return safeUint(value);
  // Nonces, values and fees mostly fit a double: byte arithmetic is a third of the time of
  // the hex round trip (toString(16), then Buffer.from), which the signed-transfer path paid
  // three times per transaction.
  if (value <= MAX_SAFE) return safeUint(Number(value));
  const hex = value.toString(16);
  return withShortHeader(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'));
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A positive safe integer of 0x80 or more: its minimal big-endian bytes, with the header. */
function safeUint(value: number): Uint8Array {
  let length = 0;
  for (let n = value; n > 0; n = Math.floor(n / 256)) length++;
  const out = new Uint8Array(1 + length);
  out[0] = 0x80 + length;
  for (let i = length, n = value; i >= 1; i--, n = Math.floor(n / 256)) out[i] = n % 256;
  return out;
}

/** A 20-byte address as an RLP string. */
export function rlpAddress(address: Uint8Array): Uint8Array {
  if (address.length !== 20) throw new RangeError(`an address is 20 bytes, got ${address.length}`);
  return withShortHeader(address);
}

/** Each hex digit's value by character code (either case), -1 for other characters. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * A 0x-prefixed hex address (either case) as an RLP string, decoded straight into its
 * encoding: every transfer encodes its recipient, and Buffer.from(hex) then a copy behind the
 * header cost two allocations and a call into C++.
 */
export function rlpAddressHex(address: string): Uint8Array {
  if (address.length !== 42 || address.charCodeAt(0) !== 0x30 || (address.charCodeAt(1) | 0x20) !== 0x78) {
    throw new RangeError(`an address is 0x and 40 hex digits, got ${JSON.stringify(address)}`);
  }
  const out = new Uint8Array(21);
  out[0] = 0x80 + 20;
  for (let i = 0; i < 20; i++) {
    const hi = HEX_VALUE[address.charCodeAt(2 + 2 * i)] ?? -1;
    const lo = HEX_VALUE[address.charCodeAt(3 + 2 * i)] ?? -1;
    if (hi < 0 || lo < 0) throw new RangeError(`an address is 0x and 40 hex digits, got ${JSON.stringify(address)}`);
    out[1 + i] = (hi << 4) | lo;
  }
  return out;
}

/** A short string (under 56 bytes: integers, scalars and addresses all are) with its header, in one allocation. */
function withShortHeader(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  out[0] = 0x80 + bytes.length;
  out.set(bytes, 1);
  return out;
}

/**
 * The raw encodings of a list's items (views into `encoded`, not copies), checking that the
 * list spans exactly `encoded`. Throws a TypeError on malformed input.
 */
export function splitRlpList(encoded: Uint8Array): Buffer[] {
  const buf = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.length);
  const outer = readHeader(buf, 0);
  if (!outer.list || outer.end !== buf.length) throw new TypeError('not a single RLP list');
  const items: Buffer[] = [];
  for (let at = outer.start; at < outer.end;) {
    const { end } = readHeader(buf, at);
    if (end > outer.end) throw new TypeError('RLP item runs past its list');
    items.push(buf.subarray(at, end));
    at = end;
  }
  return items;
}

/** Whether a raw item encoding is a byte string (not a list). */
export function isRlpBytes(encodedItem: Uint8Array): boolean {
  return encodedItem.length > 0 && encodedItem[0]! < 0xc0;
}

/** The payload of a raw byte-string encoding. */
export function rlpBytesPayload(encodedItem: Uint8Array): Buffer {
  const buf = Buffer.from(encodedItem.buffer, encodedItem.byteOffset, encodedItem.length);
  const h = readHeader(buf, 0);
  if (h.list || h.end !== buf.length) throw new TypeError('not a single RLP byte string');
  return buf.subarray(h.start, h.end);
}

/** Writes the header of a list of `length` payload bytes at `at`; returns where the payload starts. */
function writeListHeader(out: Uint8Array, at: number, length: number, headerBytes: number): number {
  if (headerBytes === 1) {
    out[at] = 0xc0 + length;
    return at + 1;
  }
  out[at++] = 0xf7 + headerBytes - 1;
  for (let i = headerBytes - 2; i >= 0; i--) out[at++] = (length >>> (8 * i)) & 0xff;
  return at;
}

function headerLength(length: number): number {
  if (length <= 55) return 1;
  let bytes = 0;
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes++;
  return 1 + bytes;
}

function header(offset: number, length: number): Buffer {
  if (length <= 55) return Buffer.from([offset + length]);
  const size = headerLength(length) - 1;
  const out = Buffer.alloc(1 + size);
  out[0] = offset + 55 + size;
  for (let i = size, n = length; i >= 1; i--, n = Math.floor(n / 256)) out[i] = n % 256;
  return out;
}

interface Header {
  list: boolean;
  /** Where the payload starts and ends. */
  start: number;
  end: number;
}

function readHeader(buf: Buffer, at: number): Header {
  const first = buf[at];
  if (first === undefined) throw new TypeError('RLP input ends early');
  if (first < 0x80) return { list: false, start: at, end: at + 1 };
  const list = first >= 0xc0;
  const short = first - (list ? 0xc0 : 0x80);
  if (short <= 55) return { list, start: at + 1, end: at + 1 + short };
  const size = short - 55;
  if (at + 1 + size > buf.length) throw new TypeError('RLP length runs past the input');
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + buf[at + 1 + i]!;
  return { list, start: at + 1 + size, end: at + 1 + size + length };
}

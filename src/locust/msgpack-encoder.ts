/**
 * A small msgpack encoder for what we send to the Locust master.
 *
 * Why our own: @msgpack/msgpack 3.1.3 writes a JS `Map` as an empty map and every object key as
 * a string, but the master needs int keys in `response_times`, `num_reqs_per_sec` and
 * `num_fail_per_sec` (docs/locust-protocol.md §2.5, option a). We write what msgpack-python
 * writes for the same Python values: the smallest int format, float64 for everything else,
 * str for strings, bin for bytes. Ext types are never written: msgpack-python turns ext -1 into a
 * Timestamp object that the master cannot do arithmetic on, so a `Date` is an error, not a
 * silent timestamp.
 */

/** Deeper than any message we send; stops a cyclic structure before the stack overflows. */
const MAX_DEPTH = 64;
/** Above this many UTF-16 units the native encoder is faster than our loop. */
const NATIVE_UTF8_THRESHOLD = 200;
const UINT32_LIMIT = 0x1_0000_0000;
const TEXT_ENCODER = new TextEncoder();

/**
 * Encodes one value. Supported: null/undefined (nil), boolean, number (safe integers as ints,
 * anything else as float64), string, Uint8Array (bin), arrays, `Map` (keys encoded by their own
 * type, so number keys become ints) and plain objects (string keys). Anything else throws a
 * TypeError. The result may be a view on a larger buffer; it is not shared with anyone else.
 */
export function encodeMsgpack(value: unknown): Uint8Array {
  const writer = new Writer();
  writer.value(value, 0);
  return writer.result();
}

class Writer {
  private bytes = new Uint8Array(512);
  private view = new DataView(this.bytes.buffer);
  private pos = 0;

  result(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'number':
        return Number.isSafeInteger(v) ? void this.int(v) : void this.float(v);
      case 'string':
        return void this.string(v);
      case 'boolean':
        return void this.byte(v ? 0xc3 : 0xc2);
      case 'undefined':
        return void this.byte(0xc0);
      case 'object':
        return v === null ? void this.byte(0xc0) : void this.object(v, depth);
      default: // bigint, symbol, function
        throw new TypeError(`msgpack encode: cannot encode a ${typeof v}`);
    }
  }

  private object(v: object, depth: number): void {
    if (depth >= MAX_DEPTH) {
      throw new TypeError(`msgpack encode: nesting deeper than ${MAX_DEPTH} levels (cyclic value?)`);
    }
    if (Array.isArray(v)) {
      this.header(v.length, 0x90, 16, 0xdc, 0xdd);
      for (let i = 0; i < v.length; i++) this.value(v[i], depth + 1);
    } else if (v instanceof Map) {
      this.header(v.size, 0x80, 16, 0xde, 0xdf);
      // forEach rather than for-of: the iterator would allocate an entry array per pair.
      v.forEach((item: unknown, key: unknown) => {
        this.value(key, depth + 1);
        this.value(item, depth + 1);
      });
    } else if (v instanceof Uint8Array) {
      this.binary(v);
    } else if (isPlainObject(v)) {
      const keys = Object.keys(v);
      this.header(keys.length, 0x80, 16, 0xde, 0xdf);
      for (const key of keys) {
        this.string(key);
        this.value((v as Record<string, unknown>)[key], depth + 1);
      }
    } else {
      const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      const hint = v instanceof Date ? ' (send epoch seconds as a number; the master cannot read timestamp ext types)' : '';
      throw new TypeError(`msgpack encode: cannot encode a ${name}${hint}`);
    }
  }

  private int(n: number): void {
    this.reserve(9);
    const b = this.bytes;
    const dv = this.view;
    const p = this.pos;
    if (n >= 0) {
      if (n < 0x80) {
        b[p] = n;
        this.pos = p + 1;
      } else if (n < 0x100) {
        b[p] = 0xcc;
        b[p + 1] = n;
        this.pos = p + 2;
      } else if (n < 0x10000) {
        b[p] = 0xcd;
        dv.setUint16(p + 1, n);
        this.pos = p + 3;
      } else if (n < UINT32_LIMIT) {
        b[p] = 0xce;
        dv.setUint32(p + 1, n);
        this.pos = p + 5;
      } else {
        b[p] = 0xcf;
        this.int64(p + 1, n);
        this.pos = p + 9;
      }
    } else {
      if (n >= -32) {
        b[p] = n & 0xff;
        this.pos = p + 1;
      } else if (n >= -0x80) {
        b[p] = 0xd0;
        dv.setInt8(p + 1, n);
        this.pos = p + 2;
      } else if (n >= -0x8000) {
        b[p] = 0xd1;
        dv.setInt16(p + 1, n);
        this.pos = p + 3;
      } else if (n >= -0x8000_0000) {
        b[p] = 0xd2;
        dv.setInt32(p + 1, n);
        this.pos = p + 5;
      } else {
        b[p] = 0xd3;
        this.int64(p + 1, n);
        this.pos = p + 9;
      }
    }
  }

  /** Two's complement of a safe integer without a BigInt: both halves are exact in a double. */
  private int64(at: number, n: number): void {
    this.view.setInt32(at, Math.floor(n / UINT32_LIMIT));
    this.view.setUint32(at + 4, n >>> 0);
  }

  private float(n: number): void {
    this.reserve(9);
    this.bytes[this.pos] = 0xcb;
    this.view.setFloat64(this.pos + 1, n);
    this.pos += 9;
  }

  private string(s: string): void {
    const native = s.length > NATIVE_UTF8_THRESHOLD;
    const size = native ? Buffer.byteLength(s, 'utf8') : utf8Length(s);
    if (size < 32) this.byte(0xa0 | size);
    else if (size < 0x100) this.sized(0xd9, 1, size);
    else this.header(size, 0xa0, 0, 0xda, 0xdb);
    this.reserve(size);
    if (native) TEXT_ENCODER.encodeInto(s, this.bytes.subarray(this.pos, this.pos + size));
    else writeUtf8(s, this.bytes, this.pos);
    this.pos += size;
  }

  private binary(data: Uint8Array): void {
    const size = data.byteLength;
    if (size < 0x100) this.sized(0xc4, 1, size);
    else this.header(size, 0x80, 0, 0xc5, 0xc6);
    this.reserve(size);
    this.bytes.set(data, this.pos);
    this.pos += size;
  }

  /** A length header: fix format below `fixLimit` (0 = none), else 16-bit, else 32-bit. */
  private header(size: number, fix: number, fixLimit: number, tag16: number, tag32: number): void {
    if (size < fixLimit) this.byte(fix | size);
    else if (size < 0x10000) this.sized(tag16, 2, size);
    else if (size < UINT32_LIMIT) this.sized(tag32, 4, size);
    else throw new RangeError(`msgpack encode: length ${size} exceeds the 32-bit limit`);
  }

  private sized(tag: number, width: 1 | 2 | 4, size: number): void {
    this.reserve(1 + width);
    const p = this.pos;
    this.bytes[p] = tag;
    if (width === 1) this.bytes[p + 1] = size;
    else if (width === 2) this.view.setUint16(p + 1, size);
    else this.view.setUint32(p + 1, size);
    this.pos = p + 1 + width;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.bytes[this.pos++] = b;
  }

  private reserve(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** UTF-8 length as TextEncoder counts it: a lone surrogate becomes U+FFFD (3 bytes). */
function utf8Length(s: string): number {
  let size = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1))) {
      size += 4;
      i++;
    } else size += 3;
  }
  return size;
}

/** Writes what TextEncoder would, so Python's strict UTF-8 decoding never fails on our bytes. */
function writeUtf8(s: string, out: Uint8Array, at: number): void {
  let p = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      if (isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1))) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff; // NaN past the end is false
}

/**
 * A 32-byte hash as eight 32-bit words, big-endian as its hex digits read: the form the
 * inclusion tracker files hashes in (../inclusion/hash-index.ts) and a block's hash list holds
 * them in (../tx-hash-list.ts), so that matching a block against what was sent compares
 * numbers in typed arrays and makes no string. Read from a hash's text, from its bytes (a
 * signer's digest) or from the hex digits in a reply's bytes; written back as lower-case hex.
 */

/** Words a hash takes. */
export const HASH_WORDS = 8;
const HEX_DIGITS = 64;

/** Each hex digit's value by character code or byte; -1 for anything else. */
const HEX_VALUES = (() => {
  const values = new Int8Array(256).fill(-1);
  for (let d = 0; d < 16; d++) {
    values[d.toString(16).charCodeAt(0)] = d;
    values[d.toString(16).toUpperCase().charCodeAt(0)] = d;
  }
  return values;
})();

/** `hash` (0x + 64 hex digits, either case) into words at `out[at…]`; false for any other text. */
export function parseHashText(hash: string, out: Int32Array, at = 0): boolean {
  if (hash.length !== 2 + HEX_DIGITS || hash.charCodeAt(0) !== 48 || (hash.charCodeAt(1) | 0x20) !== 120) return false;
  for (let w = 0; w < HASH_WORDS; w++) {
    let word = 0;
    for (let i = 2 + w * 8; i < 10 + w * 8; i++) {
      const code = hash.charCodeAt(i);
      const digit = code < 256 ? HEX_VALUES[code]! : -1;
      if (digit < 0) return false;
      word = (word << 4) | digit;
    }
    out[at + w] = word;
  }
  return true;
}

/** The 64 hex digits (either case) at `bytes[from…]` into words at `out[at…]`; false if any byte is not a hex digit. */
export function parseHashDigits(bytes: Uint8Array, from: number, out: Int32Array, at: number): boolean {
  let bad = 0;
  for (let w = 0; w < HASH_WORDS; w++) {
    let word = 0;
    for (let i = from + w * 8; i < from + w * 8 + 8; i++) {
      const digit = HEX_VALUES[bytes[i]!]!;
      bad |= digit;
      word = (word << 4) | (digit & 15);
    }
    out[at + w] = word;
  }
  // A -1 anywhere set the sign bit.
  return bad >= 0;
}

/** A hash's 32 bytes into words at `out[at…]`. */
export function hashBytesToWords(digest: Uint8Array, out: Int32Array, at = 0): void {
  for (let w = 0, i = 0; w < HASH_WORDS; w++, i += 4) out[at + w] = (digest[i]! << 24) | (digest[i + 1]! << 16) | (digest[i + 2]! << 8) | digest[i + 3]!;
}

/** The words at `words[at…]` as lower-case 0x hex. */
export function wordsToHashText(words: Int32Array, at: number): string {
  let hex = '0x';
  for (let i = at; i < at + HASH_WORDS; i++) hex += (words[i]! >>> 0).toString(16).padStart(8, '0');
  return hex;
}

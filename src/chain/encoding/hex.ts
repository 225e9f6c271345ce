/** Shapes of JSON-RPC hex values, for validating node replies on the hot path. */

/** A QUANTITY: 0x followed by the shortest hex digits (no leading zeros, "0x0" for zero). */
const QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/i;
const POSITIVE_QUANTITY = /^0x[1-9a-f][0-9a-f]*$/i;
/** One 32-byte word, as eth_getStorageAt returns it. */
const WORD = /^0x[0-9a-f]{64}$/i;

export function isHexQuantity(value: unknown): value is string {
  return typeof value === 'string' && QUANTITY.test(value);
}

export function isPositiveHexQuantity(value: unknown): value is string {
  return typeof value === 'string' && POSITIVE_QUANTITY.test(value);
}

export function isHexWord(value: unknown): value is string {
  return typeof value === 'string' && WORD.test(value);
}

/** A non-negative safe integer as a QUANTITY. */
export function toHexQuantity(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/** JSON-RPC hex quantities ("0x1b4") as exact bigints, and back. */

const HEX_QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;

/** Parses a hex quantity; throws a one-line error naming `what` otherwise. */
export function parseQuantity(result: unknown, what: string): bigint {
  if (typeof result === 'string' && HEX_QUANTITY.test(result)) return BigInt(result);
  const shown = JSON.stringify(result) ?? String(result);
  throw new Error(`invalid ${what}: ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}`);
}

/** A quantity that must fit a JS number (nonces, block numbers). */
export function parseSmallQuantity(result: unknown, what: string): number {
  const n = parseQuantity(result, what);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`invalid ${what}: ${String(result)} is too large`);
  return Number(n);
}

export function toQuantity(n: bigint | number): string {
  return `0x${n.toString(16)}`;
}

/**
 * A JSON-RPC reply body, parsed. Bodies up to LARGE_BODY bytes are one `JSON.parse` of their
 * text. A larger body is parsed so that no string of it reaches V8's large-object space.
 *
 * Why (measured): V8 keeps a string over 128 KiB as a large object, on pages mapped for it
 * alone, and on this project's machines making a 140 KB string took ~580 µs against ~12 µs for
 * 131 KB: the cost is the new pages, not the bytes. A block of 2,400 transfer hashes, which
 * the inclusion tracker reads every block, is 165 KB, and its text cost more than parsing it.
 *
 * The one shape that makes replies that large in a load test is a long array of equal-length
 * strings (a block's transaction hashes, a filter's new hashes). Its elements are parsed in
 * pieces of at most PIECE_BYTES, and the rest of the body with a marker in the array's place,
 * which is then swapped for the elements. Anything else, or anything unexpected on the way,
 * is parsed whole, so the result is always what `JSON.parse` of the whole text gives. (The
 * inclusion tracker's block reads go further: ../chain/block-reply.ts reads the hashes off the
 * bytes, with `splitStringArray` and `parseAround`, and hands a block it declines to this.)
 */

/** Bodies up to this many bytes are parsed whole (their text stays a regular heap object). */
export const LARGE_BODY = 120 * 1024;
const PIECE_BYTES = 64 * 1024;
/** Stands in for the array while the rest is parsed (found anywhere else in the body, it makes the body be parsed whole). */
const MARKER = '\u0000klayworker: elements parsed apart';
const MARKER_JSON = JSON.stringify(MARKER);
/** Longer elements than this are not worth the special case. */
const MAX_ELEMENT = 256;
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;

export function parseJsonBody(body: Buffer): unknown {
  if (body.length > LARGE_BODY) {
    const split = splitStringArray(body);
    if (split !== undefined) {
      const parsed = parseApart(body, split);
      if (parsed !== undefined) return parsed.value;
    }
  }
  return JSON.parse(body.toString('utf8'));
}

export interface StringArray {
  /** Index of the first element's opening quote. */
  readonly first: number;
  /** Index of the closing bracket. */
  readonly close: number;
  /** Bytes of an element with its quotes, and of the stride between elements (one more, the comma). */
  readonly width: number;
}

/**
 * The first `["` array of the body, if it is a run of equal-width strings with no escape in
 * them, spanning more than `minSpan` bytes (by default, more than one piece).
 */
export function splitStringArray(body: Buffer, minSpan = PIECE_BYTES): StringArray | undefined {
  const open = body.indexOf('["');
  if (open < 0) return undefined;
  const first = open + 1;
  const width = body.indexOf(QUOTE, first + 1) - first + 1;
  if (width < 2 || width > MAX_ELEMENT) return undefined;
  for (let p = first; ; p += width + 1) {
    if (p + width >= body.length || body[p] !== QUOTE || body[p + width - 1] !== QUOTE) return undefined;
    const after = body[p + width];
    if (after === COMMA) continue;
    if (after !== CLOSE) return undefined;
    const close = p + width;
    if (close - first <= minSpan) return undefined;
    // Without a backslash every quote is a string's end: with the widths checked in
    // parseApart, the elements are exactly the bytes between the quotes checked here.
    const slash = body.indexOf(BACKSLASH, first);
    return slash >= 0 && slash < close ? undefined : { first, close, width };
  }
}

/**
 * The body parsed with the array `split` stood in for by an array of one marker, and the array
 * that holds the marker (now that one element: the caller fills it); undefined when the marker
 * is found anywhere else too. Throws what JSON.parse throws.
 */
export function parseAround(body: Buffer, split: StringArray): { value: unknown; holder: unknown[] } | undefined {
  const value: unknown = JSON.parse(body.toString('utf8', 0, split.first) + MARKER_JSON + body.toString('utf8', split.close));
  const holders: unknown[][] = [];
  findMarker(value, holders);
  return holders.length === 1 ? { value, holder: holders[0]! } : undefined;
}

/** The body with the array parsed apart; undefined when anything is not as checked (parse it whole). */
function parseApart(body: Buffer, split: StringArray): { value: unknown } | undefined {
  const { first, close, width } = split;
  try {
    const around = parseAround(body, split);
    if (around === undefined) return undefined;
    const { value, holder } = around;
    const stride = width + 1;
    const count = (close - first + 1) / stride;
    const perPiece = Math.max(1, Math.floor(PIECE_BYTES / stride));
    // Filled in place: when a check fails, `value` is dropped and the body parsed whole.
    holder.length = 0;
    for (let start = first; start < close; start += perPiece * stride) {
      const stop = Math.min(close, start + perPiece * stride - 1);
      for (const element of JSON.parse(`[${body.toString('utf8', start, stop)}]`) as unknown[]) {
        // ASCII of the checked width, so each element was read from exactly its own bytes.
        if (typeof element !== 'string' || element.length !== width - 2) return undefined;
        holder.push(element);
      }
    }
    return holder.length === count ? { value } : undefined;
  } catch {
    return undefined;
  }
}

/** Every array in `value` that is exactly [MARKER]. */
function findMarker(value: unknown, found: unknown[][]): void {
  if (Array.isArray(value)) {
    if (value.length === 1 && value[0] === MARKER) found.push(value);
    else for (const item of value) findMarker(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) findMarker(item, found);
  }
}

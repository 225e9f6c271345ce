/**
 * A block reply (`<ns>_getBlockByNumber(n, false)`) read off its bytes: its transaction hashes
 * decoded from the body's hex digits into a hash list (tx-hash-list.ts), and the rest of the
 * block, a few hundred bytes, parsed as JSON. Any other shape is undefined, and the reply is
 * then parsed whole like any other (block-follower.ts): an error reply, no block yet, whole
 * transactions, a list of other widths or with escapes, a list that is not the result's
 * `transactions`, a text in it that is not 0x and 64 hex digits.
 */
import { parseAround, splitStringArray } from '../rpc/json-body.js';
import { HASH_WORDS, parseHashDigits } from './encoding/hash-words.js';
import { TxHashList } from './tx-hash-list.js';

/** A block as read: its fields (its `transactions` aside) and its transaction hashes. */
export interface BlockRead {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly hashes: TxHashList;
}

/** A list element: a quote, 0x, 64 hex digits, a quote. */
const ELEMENT_WIDTH = 68;
const ZERO = 0x30;
const X = 0x78;

/** The block in `body`, the reply to the call `id`; undefined: parse the body as usual. */
export function readBlockReply(body: Buffer, id: number): BlockRead | undefined {
  const split = splitStringArray(body, 0);
  if (split === undefined || split.width !== ELEMENT_WIDTH) return undefined;
  let around: ReturnType<typeof parseAround>;
  try {
    around = parseAround(body, split);
  } catch {
    return undefined;
  }
  if (around === undefined || typeof around.value !== 'object' || around.value === null) return undefined;
  const { id: replyId, error, result } = around.value as { id?: unknown; error?: unknown; result?: unknown };
  if (replyId !== id || (error !== undefined && error !== null) || typeof result !== 'object' || result === null) return undefined;
  if ((result as { transactions?: unknown }).transactions !== around.holder) return undefined;
  const stride = ELEMENT_WIDTH + 1;
  const count = (split.close - split.first + 1) / stride;
  const words = new Int32Array(count * HASH_WORDS);
  for (let k = 0, p = split.first; k < count; k++, p += stride) {
    if (body[p + 1] !== ZERO || (body[p + 2]! | 0x20) !== X || !parseHashDigits(body, p + 3, words, k * HASH_WORDS)) return undefined;
  }
  return { fields: result as Record<string, unknown>, hashes: new TxHashList(words, count) };
}

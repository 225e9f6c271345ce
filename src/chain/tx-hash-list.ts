/**
 * A block's transaction hashes, in block order, as words (encoding/hash-words.ts): what the
 * inclusion tracker matches against the hashes it filed, each a few word compares and no
 * string. Made from the hex digits of the block's reply (block-reply.ts), or from the hashes
 * of a reply parsed as JSON.
 *
 * Why not strings (measured): a busy block lists a few thousand hashes; as strings they were
 * parsed out of the reply made text (about 175 bytes a transaction, the text included) and
 * copied by toLowerCase (90 more), each then read back into words by the tracker: most of the
 * tracked worker's extra allocation, for the young-generation collector, in an allocation
 * profile of a saturating run (bench/README.md §5b).
 *
 * A text that is no transaction hash (a node that answers oddly) is kept as it came, and
 * matches nothing.
 */
import { HASH_WORDS, parseHashText, wordsToHashText } from './encoding/hash-words.js';

export class TxHashList {
  /** Eight words a hash; a text that is no hash leaves its words 0. */
  readonly words: Int32Array;
  readonly length: number;
  /** The texts that are no transaction hash, by place. */
  readonly #odd: ReadonlyMap<number, string>;

  /** `words`: HASH_WORDS a hash, `length` of them; `odd`: the places that hold no hash, with their texts. */
  constructor(words: Int32Array, length: number, odd: ReadonlyMap<number, string> = new Map()) {
    if (words.length < length * HASH_WORDS) throw new RangeError(`${length} hashes need ${length * HASH_WORDS} words, got ${words.length}`);
    this.words = words;
    this.length = length;
    this.#odd = odd;
  }

  static fromTexts(texts: readonly string[]): TxHashList {
    const words = new Int32Array(texts.length * HASH_WORDS);
    const odd = new Map<number, string>();
    for (let i = 0; i < texts.length; i++) if (!parseHashText(texts[i]!, words, i * HASH_WORDS)) odd.set(i, texts[i]!);
    return new TxHashList(words, texts.length, odd);
  }

  /** Whether the `i`th is a transaction hash (its words are set). */
  isHash(i: number): boolean {
    return this.#odd.size === 0 || !this.#odd.has(i);
  }

  /** The `i`th as lower-case 0x hex, or as the node wrote it when it is no transaction hash. */
  text(i: number): string {
    return this.#odd.get(i) ?? wordsToHashText(this.words, i * HASH_WORDS);
  }

  /** Every one as `text` gives it. */
  texts(): string[] {
    return Array.from({ length: this.length }, (_, i) => this.text(i));
  }
}

/**
 * When to ask for the chain head next. A transaction's inclusion time runs to the moment the
 * worker sees the block holding it, so a head polled every 100 ms adds 0–100 ms (50 on
 * average) to every `mined` time, a twentieth of a 1 s block, and delays by as much the heal
 * after a drop. Most chains make blocks on a clock (anvil's --block-time, Kaia's 1 s, Ethereum's
 * 12 s slots): this learns the interval from the heads seen and polls every DUE_POLL_MS from
 * a little before the next block is due until a little after, and every `pollMs` otherwise. A
 * 1 s chain is then asked about 15 times a second instead of 10, and its blocks are seen
 * within DUE_POLL_MS (plus the answer's way back). A chain that makes blocks on demand (anvil
 * without a block time) has no clock to learn (its intervals' first quartile lies more than a
 * quarter below their median), and a chain that stops making blocks is soon past its window:
 * both are asked every `pollMs`, as before. No block is ever seen later than with a fixed
 * `pollMs`.
 */

/** The poll while a block is due. */
export const DUE_POLL_MS = 10;
/** Intervals kept to learn the clock from: their median ignores a missed slot or a late block. */
const KEPT_INTERVALS = 9;
/** Intervals needed before the clock is trusted. */
const LEARNED_AFTER = 3;

export class HeadClock {
  readonly #pollMs: number;
  /** The latest per-block intervals seen, oldest first (ms). */
  readonly #intervals: number[] = [];
  #head = -1;
  /** performance.now() when `#head` was first seen. */
  #seenAt = 0;
  /** The intervals' first quartile and median, kept from the last new head; null while too few were seen. */
  #quartiles: { low: number; median: number } | null = null;

  /** `pollMs`: the poll while no block is due, or the clock is not known yet. */
  constructor(pollMs: number) {
    this.#pollMs = pollMs;
  }

  /** The node said its head is `head` at `at` (a poll's answer, or an announcement). */
  observe(head: number, at: number): void {
    if (head <= this.#head) return;
    if (this.#head >= 0) {
      this.#intervals.push((at - this.#seenAt) / (head - this.#head));
      if (this.#intervals.length > KEPT_INTERVALS) this.#intervals.shift();
      this.#quartiles = quartiles(this.#intervals);
    }
    this.#head = head;
    this.#seenAt = at;
  }

  /** The block interval learned (the median of the latest), or null while too few were seen. */
  get intervalMs(): number | null {
    return this.#quartiles?.median ?? null;
  }

  /** How long to wait, at `now`, before asking for the head again. */
  delayMs(now: number): number {
    if (this.#quartiles === null) return this.#pollMs;
    const { low, median: interval } = this.#quartiles;
    // How far blocks stray from the clock: below the median only, since a missed slot (no
    // block, so one interval twice as long) strays far above it and is no stray of the clock.
    const spread = 2 * (interval - low);
    // Blocks on demand, at no regular interval: no clock to keep.
    if (spread > interval / 2) return this.#pollMs;
    const due = this.#seenAt + interval;
    // The window opens half a poll early: a head first seen late (by up to a poll) makes the
    // next one look due late, and the early start finds it and corrects the clock's phase. A
    // chain whose blocks come early or late opens it earlier by their spread (up to a poll),
    // since `due` follows the last block, late or not.
    const opens = due - this.#pollMs / 2 - Math.min(spread, this.#pollMs);
    if (now < opens) return Math.max(DUE_POLL_MS, Math.min(this.#pollMs, opens - now));
    if (now < due + this.#pollMs) return DUE_POLL_MS;
    return this.#pollMs;
  }
}

/** The first quartile and median of `intervals`, or null while too few were seen. */
function quartiles(intervals: readonly number[]): { low: number; median: number } | null {
  const n = intervals.length;
  if (n < LEARNED_AFTER) return null;
  const sorted = [...intervals].sort((a, b) => a - b);
  return { low: sorted[Math.floor((n - 1) / 4)]!, median: sorted[Math.floor(n / 2)]! };
}

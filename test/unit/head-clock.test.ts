/**
 * The head poll's schedule (src/chain/head-clock.ts), driven on simulated time against chains
 * of several kinds: how soon each block is seen after it is made (the part of every `mined`
 * time that is the worker's, not the chain's) and how often the node is asked.
 */
import { describe, expect, it } from 'vitest';

import { DUE_POLL_MS, HeadClock } from '../../src/chain/head-clock.js';

const POLL_MS = 100;
/** The poll's way to the node and back. */
const RTT_MS = 2;

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Followed {
  /** Per block (after the first `skip`): ms from its making to the answer that showed it. */
  lags: number[];
  polls: number;
  /** Polls after the last block was made. */
  pollsAfterLast: number;
}

/** Polls a chain whose blocks are made at `times` (ascending ms) until `endMs`, as the follower does. */
function follow(times: readonly number[], endMs: number, skip = 10): Followed {
  const clock = new HeadClock(POLL_MS);
  const seenAt: number[] = [];
  let polls = 0;
  let pollsAfterLast = 0;
  let head = -1;
  for (let now = 0; now < endMs;) {
    polls += 1;
    if (now > times.at(-1)!) pollsAfterLast += 1;
    // The node answers with the head as it stood when the poll reached it.
    let made = head;
    while (made + 1 < times.length && times[made + 1]! <= now + RTT_MS / 2) made += 1;
    now += RTT_MS;
    for (let b = head + 1; b <= made; b++) seenAt[b] = now;
    head = made;
    if (head >= 0) clock.observe(head, now);
    now += clock.delayMs(now);
  }
  const lags = times.map((t, b) => seenAt[b]! - t).slice(skip, head + 1);
  return { lags, polls, pollsAfterLast };
}

function every(intervalMs: number, count: number, jitter: () => number = () => 0): number[] {
  return Array.from({ length: count }, (_, b) => 37 + b * intervalMs + jitter());
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('HeadClock: when the head is asked for', () => {
  it('a 1 s chain: once its clock is learned, every block is seen within the due poll, for about half again the asks of a fixed 100 ms poll', () => {
    const times = every(1_000, 60);
    const f = follow(times, times.at(-1)! + 1);
    expect(Math.max(...f.lags)).toBeLessThanOrEqual(DUE_POLL_MS + 2 * RTT_MS);
    // A fixed poll every 100 ms: 10 a second, and 0–100 ms late (50 on average).
    expect(f.polls / 60).toBeLessThanOrEqual(16);
  });

  it('a 200 ms chain (the benchmarks’ stub): seen within the due poll, under 40 asks a second', () => {
    const times = every(200, 200);
    const f = follow(times, times.at(-1)! + 1);
    expect(Math.max(...f.lags)).toBeLessThanOrEqual(DUE_POLL_MS + 2 * RTT_MS);
    expect(f.polls / ((times.at(-1)! + 1) / 1000)).toBeLessThan(40);
  });

  it('a 1 s chain whose blocks come up to 40 ms early or late: still seen within the due poll', () => {
    const r = random(7);
    const times = every(1_000, 100, () => (r() - 0.5) * 80);
    const f = follow(times, times.at(-1)! + 1);
    expect(Math.max(...f.lags)).toBeLessThanOrEqual(DUE_POLL_MS + 2 * RTT_MS);
    expect(f.polls / 100).toBeLessThanOrEqual(20);
  });

  it('12 s slots with every fifth missed: the gaps do not move the clock, and a missed slot costs a window of asks, not a storm', () => {
    const times = Array.from({ length: 80 }, (_, slot) => slot)
      .filter((slot) => slot % 5 !== 4)
      .map((slot) => 5 + slot * 12_000);
    const f = follow(times, times.at(-1)! + 1);
    expect(median(f.lags)).toBeLessThanOrEqual(DUE_POLL_MS + 2 * RTT_MS);
    // Never later than the fixed poll would have been.
    expect(Math.max(...f.lags)).toBeLessThanOrEqual(POLL_MS + 2 * RTT_MS);
    expect(f.polls / (times.at(-1)! / 1000)).toBeLessThan(12);
  });

  it('a chain that stops making blocks is asked every poll interval, as without a clock', () => {
    const times = every(1_000, 30);
    const f = follow(times, times.at(-1)! + 10_000);
    // The window after the block that never comes, then a poll every 100 ms.
    expect(f.pollsAfterLast).toBeLessThanOrEqual(10_000 / POLL_MS + (1.5 * POLL_MS) / DUE_POLL_MS + 2);
  });

  it('blocks on demand at random moments (no clock to learn): asked about as often as by the fixed poll, and never seen later', () => {
    const r = random(11);
    const times: number[] = [];
    for (let t = 0, b = 0; b < 300; b++) times.push((t += -Math.log(1 - r()) * 300));
    const f = follow(times, times.at(-1)! + 1, 0);
    expect(Math.max(...f.lags)).toBeLessThanOrEqual(POLL_MS + 2 * RTT_MS);
    // Near the fixed poll's 10 a second (a few intervals that happen to look regular open a window).
    expect(f.polls / (times.at(-1)! / 1000)).toBeLessThan(2 * (1000 / POLL_MS));
  });

  it('before three intervals are seen, the head is asked every poll interval', () => {
    const clock = new HeadClock(POLL_MS);
    expect(clock.delayMs(0)).toBe(POLL_MS);
    clock.observe(5, 0);
    clock.observe(6, 1_000);
    clock.observe(7, 2_000);
    expect(clock.intervalMs).toBeNull();
    expect(clock.delayMs(2_900)).toBe(POLL_MS);
    clock.observe(9, 4_000);
    expect(clock.intervalMs).toBe(1_000);
    expect(clock.delayMs(4_100)).toBe(POLL_MS);
    expect(clock.delayMs(4_960)).toBe(DUE_POLL_MS);
  });
});

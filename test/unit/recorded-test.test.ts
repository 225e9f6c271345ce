/**
 * The inclusion tracker's test window (src/chain/inclusion/recorded-test.ts): a later test
 * never records an earlier one's settlements, and a drain ends when the test's transactions
 * have settled, at its timeout, or on abort, waiting for the test cases' follow-ups too.
 */
import { describe, expect, it } from 'vitest';

import { CLOSED } from '../../src/chain/inclusion/entry-table.js';
import { RecordedTest } from '../../src/chain/inclusion/recorded-test.js';

describe('RecordedTest', () => {
  it('records only settlements of the test opened last, and none once it is closed', () => {
    const test = new RecordedTest();
    expect(test.epochNow).toBe(CLOSED);
    test.open();
    const first = test.epochNow;
    expect(test.records(first)).toBe(true);
    expect(test.records(CLOSED)).toBe(false);
    test.close();
    expect(test.records(first)).toBe(false);
    test.open();
    expect(test.epochNow).not.toBe(first);
    expect(test.records(first)).toBe(false);
    expect(test.records(test.epochNow)).toBe(true);
  });

  it('a drain with nothing pending returns at once without calling its start', async () => {
    const test = new RecordedTest();
    test.open();
    let started = false;
    const open = await test.drain(10_000, undefined, () => {
      started = true;
    });
    expect(open).toBe(0);
    expect(started).toBe(false);
    expect(test.draining).toBe(false);
  });

  it('a drain ends when the last pending transaction settles, and counts only the current test', async () => {
    const test = new RecordedTest();
    test.open();
    const epoch = test.epochNow;
    test.accepted(epoch);
    test.accepted(epoch);
    // Of no recorded test: not waited for.
    test.accepted(CLOSED);
    let startedWith = -1;
    const t0 = performance.now();
    const drained = test.drain(30_000, undefined, (pending) => {
      startedWith = pending;
    });
    expect(test.draining).toBe(true);
    test.settled(epoch);
    test.wakeIfDone();
    test.settled(epoch);
    test.wakeIfDone();
    expect(await drained).toBe(0);
    expect(startedWith).toBe(2);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a drain that times out says how many were still pending', async () => {
    const test = new RecordedTest();
    test.open();
    test.accepted(test.epochNow);
    const t0 = performance.now();
    expect(await test.drain(50, undefined, () => {})).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it('a drain ends on abort', async () => {
    const test = new RecordedTest();
    test.open();
    test.accepted(test.epochNow);
    const abort = new AbortController();
    const t0 = performance.now();
    expect(await test.drain(30_000, abort.signal, () => abort.abort())).toBe(1);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it("waits for the recorded test's follow-ups within the timeout, not for an ended test's", async () => {
    const test = new RecordedTest();
    test.open();
    const old = test.epochNow;
    test.close();
    test.open();
    let finish!: () => void;
    const followUp = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let oldFinished = false;
    test.follow(new Promise<void>(() => {}), old);
    test.follow(followUp, test.epochNow);
    setTimeout(() => {
      oldFinished = true;
      finish();
    }, 20);
    const t0 = performance.now();
    expect(await test.drain(8_000, undefined, () => {})).toBe(0);
    // It returned when the current test's follow-up ended (20 ms), not at its timeout waiting on the old one (which never ends).
    expect(oldFinished).toBe(true);
    expect(performance.now() - t0).toBeLessThan(6_000);
  });
});

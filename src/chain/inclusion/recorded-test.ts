/**
 * The test being recorded, as the inclusion tracker sees it: whose settlements go to the stats,
 * and what its end waits for. Each test opened gets a new epoch; a transaction belongs to the
 * epoch it was sent in, and only settlements of the current epoch are recorded, so a later test
 * never receives an earlier one's (an entry of an ended test is CLOSED: followed on for the
 * counters and the nonces, recorded nowhere).
 */
import { settledWithin } from '../../util/settled-within.js';
import { CLOSED } from './entry-table.js';

export class RecordedTest {
  #epoch = 0;
  #recording = false;
  /** Accepted transactions of this test not yet settled: what a drain waits for. */
  #pending = 0;
  /** A stopped test waits for its transactions (see drain). */
  #draining = false;
  #waiters: (() => void)[] = [];
  /** What test cases still do with settled transactions of this test (see Expectation.onSettled). */
  readonly #followUps = new Set<Promise<void>>();

  /** A test starts: settlements of transactions sent from now on are recorded. */
  open(): void {
    this.#epoch += 1;
    this.#recording = true;
  }

  /** The epoch of a transaction sent now: this test's, or CLOSED while none is recorded. */
  get epochNow(): number {
    return this.#recording ? this.#epoch : CLOSED;
  }

  /** A settlement of a transaction of `epoch` is recorded. */
  records(epoch: number): boolean {
    return this.#recording && epoch === this.#epoch;
  }

  /** The users have stopped and the test waits for its transactions. */
  get draining(): boolean {
    return this.#draining;
  }

  /** The node accepted a transaction of `epoch`. */
  accepted(epoch: number): void {
    if (epoch !== CLOSED) this.#pending += 1;
  }

  /** An accepted transaction of `epoch` settled. */
  settled(epoch: number): void {
    if (epoch !== CLOSED) this.#pending -= 1;
  }

  /** What a test case still does with a settlement of `epoch` belongs to this test's drain, if this test records it. */
  follow(followUp: Promise<void>, epoch: number): void {
    if (!this.records(epoch)) return;
    const done = (): void => {
      this.#followUps.delete(followUp);
    };
    this.#followUps.add(followUp);
    followUp.then(done, done);
  }

  /** Ends a drain once none of this test's transactions is pending. */
  wakeIfDone(): void {
    if (this.#pending === 0) for (const wake of [...this.#waiters]) wake();
  }

  /**
   * The end of a test: waits up to `timeoutMs` (or until `signal`) for every accepted
   * transaction of it to settle, calling `starting` first when there is any to wait for; then,
   * within what is left of the timeout, for what test cases still do with those settled.
   * Returns how many were still pending. Recording goes on until `close`.
   */
  async drain(timeoutMs: number, signal: AbortSignal | undefined, starting: (pending: number) => void): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    if (this.#pending > 0 && timeoutMs > 0 && signal?.aborted !== true) {
      this.#draining = true;
      const ended = new Promise<void>((resolve) => {
        const finish = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          this.#waiters = this.#waiters.filter((w) => w !== finish);
          resolve();
        };
        const timer = setTimeout(finish, timeoutMs);
        signal?.addEventListener('abort', finish, { once: true });
        this.#waiters.push(finish);
      });
      // Once the wait is set: whatever `starting` sets off (a re-send mined at once, an abort) ends it.
      starting(this.#pending);
      await ended;
    }
    const open = this.#pending;
    // What settled may still be at work in its test case (a receipt read, a check) before it is
    // recorded: within what is left of the timeout, that record belongs to this test too (one
    // was seen landing after the last report of a confirmed test case's run).
    const left = deadline - performance.now();
    if (this.#followUps.size > 0 && left > 0 && signal?.aborted !== true) await settledWithin(this.#followUps, left, signal);
    return open;
  }

  /** Stops recording: nothing of this test is recorded or waited for from now on. */
  close(): void {
    this.#draining = false;
    this.#recording = false;
    this.#pending = 0;
  }
}

/**
 * Work a test leaves behind when its users stop: transactions still waiting for the chain.
 * The runners open it when a test starts and drain it when the users have stopped, before
 * the last report, so that every settlement lands in the test that made it (the inclusion
 * tracker is the one implementation; a process that sends nothing drains at once).
 */
export interface Backlog {
  /** A test starts: what it leaves behind from now on is recorded in it. */
  open(): void;
  /** Waits up to `timeoutMs` (or until `signal`) for the test's work to settle, then closes the test. */
  drain(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

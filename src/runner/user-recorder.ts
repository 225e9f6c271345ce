import type { Recorder } from '../stats/recorder.js';

/**
 * A user's view of the stats recorder. When a stop gives up waiting for a user's in-flight
 * iteration, the user is detached: whatever that iteration records later is dropped, so a
 * result is either in the report that went out before `client_stopped`/`quit` or nowhere,
 * never counted twice or in the next test.
 */
export class UserRecorder implements Recorder {
  #attached = true;

  constructor(private readonly inner: Recorder) {}

  detach(): void {
    this.#attached = false;
  }

  success(type: string, name: string, responseTimeMs: number, contentLength: number): void {
    if (this.#attached) this.inner.success(type, name, responseTimeMs, contentLength);
  }

  failure(type: string, name: string, responseTimeMs: number, error: string): void {
    if (this.#attached) this.inner.failure(type, name, responseTimeMs, error);
  }
}

/**
 * Being known to a master. A worker says `client_ready`; a 2.10+ master answers `ack`. Older
 * masters never ack, so after a few unanswered resends the worker assumes it is registered,
 * as it does when a master sends it users (it would not unless it knew the worker), and a
 * Locust 0.9 master, which never acks, counts a worker once it has heard it.
 */
import type { Logger } from 'pino';

import { clientReady, type OutgoingMessage } from './messages.js';

export interface RegistrationOptions {
  /** The master is Locust 0.9 (--locust-legacy-0.9). */
  legacy09: boolean;
  /** client_ready is resent this often until acked. */
  ackRetryMs: number;
  /** Resends before assuming a master too old to ack. */
  ackRetries: number;
  log: Logger;
  send(message: OutgoingMessage): void;
}

export class Registration {
  readonly #o: RegistrationOptions;
  #acked = false;
  #assumed = false;
  #readySentAt = -Infinity;
  #retries = 0;

  constructor(options: RegistrationOptions) {
    this.#o = options;
  }

  /** The master knows this worker (it acked, or is assumed to know it). */
  get registered(): boolean {
    return this.#acked || this.#assumed;
  }

  /** Says `client_ready`: on connecting, and again after a stop (Locust's workers do). */
  ready(now = Date.now()): void {
    this.#o.send(clientReady(this.#o.legacy09));
    this.#readySentAt = now;
    if (this.#o.legacy09) this.#assumed = true;
  }

  acked(index: number | null): void {
    if (!this.#acked) this.#o.log.info({ index }, 'registered with the Locust master');
    this.#acked = true;
  }

  /** The master sent users: it knows this worker, whatever became of the ack. */
  heardFromMaster(): void {
    this.#assumed = true;
  }

  /** Once a heartbeat: resends an unanswered `client_ready`, or gives up on an ack. */
  tick(now = Date.now()): void {
    if (this.registered || now - this.#readySentAt < this.#o.ackRetryMs) return;
    if (this.#retries < this.#o.ackRetries) {
      this.#retries += 1;
      this.ready(now);
    } else {
      this.#o.log.info('no ack from the master: assuming a Locust older than 2.10');
      this.#assumed = true;
    }
  }

  /** The master is gone: whichever comes next must register this worker afresh. */
  forget(): void {
    this.#acked = false;
    this.#assumed = false;
    this.#retries = 0;
  }
}

/**
 * A Locust 2.x master stand-in for the users benchmark: a ZeroMQ ROUTER on loopback that
 * acks a worker's client_ready, sends whatever the benchmark says (a spawn series, stop,
 * quit), and records when each worker message arrived. A real master does all of that too,
 * but does not tell anyone when the heartbeats came.
 */
import { decode, encode } from '@msgpack/msgpack';
import { Router } from 'zeromq';

import { BenchError, withDeadline } from './processes.mjs';

/**
 * @typedef {object} Received
 * @property {string} type
 * @property {any} data
 * @property {string} identity
 * @property {number} at  performance.now() on arrival
 */

export class FakeMaster {
  /** @type {Received[]} */
  received = [];
  #router;
  #wakers = new Set();

  /** @param {Router} router @param {number} port */
  constructor(router, port) {
    this.#router = router;
    this.port = port;
    void this.#receive();
  }

  static async start() {
    const router = new Router({ linger: 0 });
    await router.bind('tcp://127.0.0.1:*');
    const port = Number(/:(\d+)$/.exec(router.lastEndpoint ?? '')?.[1]);
    return new FakeMaster(router, port);
  }

  async #receive() {
    try {
      for await (const [identity, payload] of this.#router) {
        const at = performance.now();
        if (!identity || !payload) continue;
        // Stats carry integer map keys (response-time buckets): keep them as they come.
        const [type, data] = /** @type {[string, any, string]} */ (decode(payload, { mapKeyConverter: (key) => key }));
        const message = { type: String(type), data, identity: identity.toString('utf8'), at };
        this.received.push(message);
        // 2.11+ masters ack with the worker's index; the worker needs it to count as registered.
        if (message.type === 'client_ready') await this.send(message.identity, 'ack', { index: 0 });
        for (const wake of this.#wakers) wake();
      }
    } catch {
      // closed
    }
  }

  /** @param {string} identity @param {string} type @param {unknown} data */
  async send(identity, type, data) {
    await this.#router.send([identity, encode([type, data, identity])]);
  }

  /**
   * The first message (at index `from` or later) that matches.
   * @param {(m: Received) => boolean} match @param {number} timeoutMs @param {string} what
   */
  waitFor(match, timeoutMs, what, from = 0) {
    let waker;
    const found = new Promise((resolve) => {
      waker = () => {
        const m = this.received.slice(from).find(match);
        if (m) resolve(m);
      };
      this.#wakers.add(waker);
      waker();
    });
    return withDeadline(
      found.finally(() => this.#wakers.delete(waker)),
      timeoutMs,
      () => `fake master: no ${what} within ${timeoutMs} ms`,
    ).catch((err) => {
      this.#wakers.delete(waker);
      throw err instanceof BenchError ? err : new BenchError(String(err));
    });
  }

  /** @param {string} type */
  ofType(type) {
    return this.received.filter((m) => m.type === type);
  }

  close() {
    this.#router.close();
  }
}

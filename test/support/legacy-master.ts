/**
 * A Locust 0.9 master stand-in: PULL bound on the port (worker → master) and PUSH bound on
 * the port + 1 (master → worker), no identities, as 0.9's `rpc.Server` does.
 */
import { decode, encode } from '@msgpack/msgpack';
import { Pull, Push } from 'zeromq';

import type { Received } from './mock-master.js';

export class PushPullMaster {
  readonly received: Received[] = [];
  readonly port: number;
  #pull: Pull;
  #push: Push;
  #waiters = new Set<() => void>();

  private constructor(pull: Pull, push: Push, port: number) {
    this.#pull = pull;
    this.#push = push;
    this.port = port;
    void this.#receive();
  }

  static async start(port: number): Promise<PushPullMaster> {
    const pull = new Pull({ linger: 0 });
    const push = new Push({ linger: 0 });
    try {
      await pull.bind(`tcp://127.0.0.1:${port}`);
      await push.bind(`tcp://127.0.0.1:${port + 1}`);
    } catch (err) {
      pull.close();
      push.close();
      throw err;
    }
    return new PushPullMaster(pull, push, port);
  }

  /**
   * On a free port whose next port is free too: a free port says nothing of the one after it,
   * so a pair another process holds half of is given up and another one tried.
   */
  static async startOnFreePorts(freePort: () => Promise<number>): Promise<PushPullMaster> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await PushPullMaster.start(await freePort());
      } catch (err) {
        if (attempt >= 10 || !/address already in use/i.test(String(err))) throw err;
      }
    }
  }

  async #receive(): Promise<void> {
    try {
      for await (const [payload] of this.#pull) {
        if (!payload) continue;
        const [type, data, nodeId] = decode(payload, { mapKeyConverter: (k: unknown) => k as string | number }) as unknown[];
        this.received.push({ identity: '', type: String(type), data, nodeId, at: performance.now(), raw: payload });
        for (const wake of this.#waiters) wake();
      }
    } catch {
      // closed
    }
  }

  waitFor(match: string | ((m: Received) => boolean), options: { from?: number; timeoutMs?: number } = {}): Promise<Received> {
    const test = typeof match === 'string' ? (m: Received) => m.type === match : match;
    const from = options.from ?? 0;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.slice(from).find(test);
        if (found) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `0.9 master: nothing matching within ${options.timeoutMs ?? 10_000} ms; got ${this.received
              .slice(from)
              .map((m) => m.type)
              .join(',')}`,
          ),
        );
      }, options.timeoutMs ?? 10_000);
      this.#waiters.add(check);
      check();
    });
  }

  /** 0.9 masters address nobody: node_id is None and PUSH picks a worker. */
  async send(type: string, data: unknown): Promise<void> {
    await this.#push.send(encode([type, data, null]));
  }

  close(): void {
    this.#pull.close();
    this.#push.close();
  }
}

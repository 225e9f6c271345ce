/**
 * A Locust master stand-in for protocol tests: a real ZeroMQ ROUTER on loopback that records
 * every message a worker sends and lets the test send any message (or any bytes) back.
 * It decodes with @msgpack/msgpack, independent of the worker's own encoder.
 */
import { decode, encode } from '@msgpack/msgpack';
import { Router } from 'zeromq';

export interface Received {
  identity: string;
  type: string;
  data: unknown;
  nodeId: unknown;
  /** performance.now() when it arrived. */
  at: number;
  /** Raw payload, for byte-level checks. */
  raw: Buffer;
}

export class MockMaster {
  readonly received: Received[] = [];
  #router: Router;
  #waiters = new Set<() => void>();
  #closed = false;
  readonly port: number;

  private constructor(router: Router, port: number) {
    this.#router = router;
    this.port = port;
    void this.#receive();
  }

  /** Binds 127.0.0.1 on a free port, or on `port` (to play a restarted master). */
  static async start(port?: number): Promise<MockMaster> {
    const router = new Router({ linger: 0 });
    await router.bind(`tcp://127.0.0.1:${port ?? '*'}`);
    const bound = Number(/:(\d+)$/.exec(router.lastEndpoint ?? '')?.[1]);
    return new MockMaster(router, bound);
  }

  async #receive(): Promise<void> {
    try {
      for await (const frames of this.#router) {
        const [identity, payload] = frames;
        if (!identity || !payload || frames.length !== 2) continue;
        const decoded = decode(payload, { mapKeyConverter: (k: unknown) => k as string | number }) as unknown[];
        const [type, data, nodeId] = decoded;
        this.received.push({ identity: identity.toString('utf8'), type: String(type), data, nodeId, at: performance.now(), raw: payload });
        for (const wake of this.#waiters) wake();
      }
    } catch {
      // closed
    }
  }

  /** Messages of one type (optionally only those after index `from`). */
  ofType(type: string, from = 0): Received[] {
    return this.received.slice(from).filter((m) => m.type === type);
  }

  /** Waits for the first message after index `from` matching `match`, failing after `timeoutMs`. */
  waitFor(match: string | ((m: Received) => boolean), options: { from?: number; timeoutMs?: number } = {}): Promise<Received> {
    const test = typeof match === 'string' ? (m: Received) => m.type === match : match;
    const from = options.from ?? 0;
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.slice(from).find(test);
        if (found) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `mock master: no ${typeof match === 'string' ? match : 'matching message'} within ${timeoutMs} ms; got ${this.received
              .slice(from)
              .map((m) => m.type)
              .join(',')}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends a well-formed master message to a worker. */
  async send(identity: string, type: string, data: unknown, nodeId: string | null = identity): Promise<void> {
    await this.sendRaw(identity, encode([type, data, nodeId]));
  }

  /** Spawns `users` users of the one class `User`, stamped now, in a 2.12.1 master's shape. */
  async spawnUsers(identity: string, users: number): Promise<void> {
    await this.send(identity, 'spawn', {
      timestamp: Date.now() / 1000,
      user_classes_count: { User: users },
      host: null,
      stop_timeout: null,
      parsed_options: {},
    });
  }

  /** Sends arbitrary bytes (or several frames) to a worker. */
  async sendRaw(identity: string, ...frames: Uint8Array[]): Promise<void> {
    await this.#router.send([identity, ...frames]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#router.close();
    // Give libzmq a moment to release the port for a "restarted" master.
    await new Promise((r) => setTimeout(r, 50));
  }
}

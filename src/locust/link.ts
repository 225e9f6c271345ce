import type { Logger } from 'pino';

import { errorMessage } from '../util/errors.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { InvalidCommandError, type MasterCommand, parseCommand } from './commands.js';
import type { OutgoingMessage } from './messages.js';
import { describeAddress, openSockets, type SocketSet, type Transport } from './sockets.js';

export interface LinkHandlers {
  onCommand(command: MasterCommand): void;
  /** A TCP connection to the master came up (first time, or after the master restarted). */
  onConnect(): void;
  /** The connection to the master went down. */
  onDisconnect(): void;
}

export interface MasterLinkOptions {
  host: string;
  port: number;
  /** ZeroMQ routing id and `node_id` of every message: `<hostname>_<uuid4 hex>`. */
  nodeId: string;
  log: Logger;
  handlers: LinkHandlers;
  /** Default 'dealer' (Locust 0.10 and later). */
  transport?: Transport;
}

/** How long a graceful close waits for queued messages (final stats, quit) to reach the master. */
const CLOSE_LINGER_MS = 1_000;

/**
 * A renewed socket connects this long after the old one closed. A ROUTER without
 * ROUTER_HANDOVER (Locust's) silently ignores a connection whose routing id it still holds, so
 * the master must see the old connection go first; on loopback a new connection made at once
 * was ignored most of the time. Messages sent meanwhile wait in the new socket.
 */
const RENEW_CONNECT_DELAY_MS = 100;

/**
 * The worker's end of the master connection: the sockets of the master's Locust version (a
 * DEALER whose routing id is the node id, or 0.9's PUSH/PULL pair), one send queue (ZeroMQ
 * allows one send in progress per socket) and one receive loop. All bytes stay in here; the
 * rest of the worker sees typed commands.
 */
export class MasterLink {
  readonly #options: MasterLinkOptions;
  #socket: SocketSet | null = null;
  /** Identifies the current socket, so events and messages of a replaced socket are ignored. */
  #generation = 0;
  #queue: Uint8Array[] = [];
  #draining = false;
  /** The socket a carry-over renew replaced: a send it refused while closing goes out on the new one. */
  #carriedFrom: SocketSet | null = null;
  #connected = false;

  constructor(options: MasterLinkOptions) {
    this.#options = options;
  }

  get address(): string {
    const { host, port, transport } = this.#options;
    return describeAddress(transport ?? 'dealer', host, port);
  }

  /** True while a TCP connection to the master is up. */
  get connected(): boolean {
    return this.#connected;
  }

  open(): void {
    this.#open(0);
  }

  #open(connectDelayMs: number): void {
    if (this.#socket) throw new Error('master link already open');
    const generation = ++this.#generation;
    const { host, port, nodeId, transport = 'dealer' } = this.#options;
    const socket = openSockets(transport, { host, port, nodeId });
    this.#socket = socket;
    socket.onEvent('connect', () => {
      if (generation !== this.#generation) return;
      this.#connected = true;
      this.#options.handlers.onConnect();
    });
    socket.onEvent('disconnect', () => {
      if (generation !== this.#generation) return;
      this.#connected = false;
      this.#options.handlers.onDisconnect();
    });
    if (connectDelayMs > 0) {
      setTimeout(() => {
        if (generation === this.#generation) socket.connect();
      }, connectDelayMs).unref();
    } else {
      socket.connect();
    }
    void this.#receive(socket, generation);
  }

  /** Queues one message. Messages queued while the link is closed are dropped. */
  send(message: OutgoingMessage): void {
    if (!this.#socket) return;
    this.#queue.push(encodeMessage(message.type, message.data, this.#options.nodeId));
    if (!this.#draining) void this.#drain();
  }

  /**
   * Replaces the socket with a new one with the same id. For a lost master it drops anything
   * still queued for the old connection (stale stats or `spawning` must never reach a restarted
   * master). For `carryOver` (the same master asked for a new connection, and the test goes
   * on) nothing is lost: the old socket lingers to deliver what it was handed, and what was
   * still queued goes out on the new one.
   */
  renew(carryOver = false): void {
    const queued = carryOver ? this.#queue : [];
    this.#carriedFrom = carryOver ? this.#socket : null;
    this.#teardown(carryOver ? CLOSE_LINGER_MS : 0);
    this.#open(RENEW_CONNECT_DELAY_MS);
    if (queued.length === 0) return;
    this.#queue = queued;
    if (!this.#draining) void this.#drain();
  }

  /** Waits (bounded) for queued messages to be handed to ZeroMQ, then closes, lingering briefly
   *  so that the last messages (final stats, `quit`) reach the master. */
  async close(): Promise<void> {
    const deadline = Date.now() + CLOSE_LINGER_MS;
    while ((this.#draining || this.#queue.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    this.#teardown(CLOSE_LINGER_MS);
  }

  #teardown(lingerMs: number): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#generation += 1;
    this.#queue = [];
    this.#connected = false;
    socket?.close(lingerMs);
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0 && this.#socket) {
        const socket = this.#socket;
        const message = this.#queue.shift()!;
        try {
          await socket.send(message);
        } catch (err) {
          if (socket === this.#socket) this.#options.log.warn({ err: String(err) }, 'master link: send failed');
          // Replaced under us: for a lost master its queue is gone too; a carried-over queue
          // takes this message back, first, so nothing is lost or reordered.
          else if (socket === this.#carriedFrom && this.#socket !== null) this.#queue.unshift(message);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #receive(socket: SocketSet, generation: number): Promise<void> {
    const { log, handlers } = this.#options;
    try {
      for await (const frames of socket.receive()) {
        if (generation !== this.#generation) return;
        const command = this.#parse(frames);
        if (command) handlers.onCommand(command);
      }
    } catch (err) {
      if (generation === this.#generation) log.warn({ err: String(err) }, 'master link: receive loop ended');
    }
  }

  /** Decodes one received message; anything invalid is logged and dropped, never thrown. */
  #parse(frames: Buffer[]): MasterCommand | null {
    const { log, nodeId } = this.#options;
    if (frames.length !== 1) {
      log.warn({ frames: frames.length }, 'master link: dropped a message with an unexpected number of frames');
      return null;
    }
    try {
      const { type, data, nodeId: target } = decodeMessage(frames[0]!);
      if (target !== null && target !== nodeId) {
        log.debug({ type, target }, 'master link: dropped a message addressed to another node');
        return null;
      }
      const command = parseCommand(type, data);
      if (!command) log.debug({ type }, 'master link: ignored a message of unknown type');
      return command;
    } catch (err) {
      const reason = err instanceof InvalidCommandError || errorMessage(err);
      log.warn({ reason }, 'master link: dropped an invalid message');
      return null;
    }
  }
}

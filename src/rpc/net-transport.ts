/**
 * The lean transport: JSON-RPC over a keep-alive pool of node:net / node:tls sockets, one
 * request per socket at a time (a slow reply holds up no call behind it). A request is the
 * endpoint's head, built once (request line, Host, Content-Type, the user's headers and Basic
 * auth), then the body's Content-Length and the body: one string, one write. Replies are read
 * by our own parser (http-response-parser.ts says why not a library).
 *
 * Measured against undici's Pool.dispatch in bench/throughput.mjs; undici stays behind the
 * same seam (undici-transport.ts) for proxies and servers that are not HTTP/1.1.
 *
 * A call takes an idle socket (the most recently used, whose server is least likely to have
 * dropped it), else opens a new one for itself while under `connections`, else queues; each
 * socket that frees up, or closes and leaves room, serves the queue first.
 */
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';

import type { EndpointTarget } from './endpoint.js';
import { type ConnectionOwner, NetConnection, type Pending, SocketFailure, type SocketTarget } from './net-connection.js';
import type { ExchangeHandler, RpcTransport } from './transport.js';

export interface NetTransportOptions {
  connections: number;
  timeoutMs: number;
  /** Node's CAs plus --ca-file's, or undefined for Node's own (see trustedCas). */
  ca: string[] | undefined;
  /** Called once, when the first HTTP/1.0 response arrives: the endpoint is not an HTTP/1.1 server. */
  onHttp10?: () => void;
}

export class NetTransport implements RpcTransport, ConnectionOwner {
  readonly #target: SocketTarget;
  /** Everything of a request before its Content-Length value. */
  readonly #head: string;
  readonly #max: number;
  readonly #onHttp10: (() => void) | undefined;
  /** Every socket, open or opening. */
  readonly #connections = new Set<NetConnection>();
  /** Free sockets, the most recently used last. */
  readonly #idle: NetConnection[] = [];
  /** Calls waiting for a socket: handlers and their requests, from `#queueHead` on. */
  #queue: Pending[] = [];
  #queueHead = 0;
  /** Exchanges sent and not ended yet (queued ones included). */
  #active = 0;
  #http10Seen = false;
  #closing: { promise: Promise<void>; resolve: () => void } | undefined = undefined;

  constructor(target: EndpointTarget, options: NetTransportOptions) {
    const url = new URL(target.origin);
    const tls = url.protocol === 'https:';
    // URL keeps an IPv6 literal in brackets; sockets want it bare.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.#target = {
      host,
      port: url.port === '' ? (tls ? 443 : 80) : Number(url.port),
      // One context for every socket: given `ca`, tls.connect would parse Node's ~140 root
      // certificates again for each (tens of milliseconds of CPU a socket, measured). SNI names
      // a host, never an address (RFC 6066).
      tls: tls
        ? { context: createSecureContext(options.ca === undefined ? {} : { ca: options.ca }), servername: isIP(host) === 0 ? host : undefined }
        : undefined,
      connectTimeoutMs: options.timeoutMs,
      // 64 KiB: what Node reads at a time by default.
      readBuffer: Buffer.allocUnsafe(64 * 1024),
    };
    const lines = [`POST ${target.path} HTTP/1.1`, `host: ${url.host}`];
    for (let i = 0; i + 1 < target.headers.length; i += 2) lines.push(`${target.headers[i]!}: ${target.headers[i + 1]!}`);
    this.#head = `${lines.join('\r\n')}\r\ncontent-length: `;
    this.#max = options.connections;
    this.#onHttp10 = options.onHttp10;
  }

  send(body: string, handler: ExchangeHandler): void {
    if (this.#closing !== undefined) {
      handler.onError(new SocketFailure('the client is closed', 'UND_ERR_CLOSED'));
      return;
    }
    this.#active++;
    const request = `${this.#head}${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const idle = this.#takeIdle();
    if (idle !== undefined) {
      // Not sent when the call had already failed: the socket is still free (and the queue empty).
      if (!idle.send(handler, request)) this.#idle.push(idle);
      return;
    }
    if (this.#connections.size < this.#max) this.#open({ handler, request });
    else this.#queue.push({ handler, request });
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#closing = { promise, resolve };
      this.#closeIfDone();
    }
    return this.#closing.promise;
  }

  // ConnectionOwner

  ended(): void {
    // Nothing in flight: the idle sockets must not keep the process alive.
    if (--this.#active === 0) for (const c of this.#idle) c.release();
    this.#closeIfDone();
  }

  idle(connection: NetConnection): void {
    if (this.#closing !== undefined && this.#active === 0) {
      this.#drop(connection);
      return;
    }
    for (let next = this.#dequeue(); next !== undefined; next = this.#dequeue()) {
      if (connection.send(next.handler, next.request)) return;
    }
    this.#idle.push(connection);
    if (this.#active === 0) connection.release();
  }

  closed(connection: NetConnection, retry: Pending | undefined): void {
    this.#connections.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    // The closed socket's slot is free: a retry always gets a fresh socket, else the queue does.
    if (retry !== undefined) {
      this.#open(retry);
      return;
    }
    const next = this.#dequeue();
    if (next !== undefined) this.#open(next);
  }

  http10(): void {
    if (this.#http10Seen) return;
    this.#http10Seen = true;
    this.#onHttp10?.();
  }

  /** A free socket still trusted to be open; stale ones are closed on the way. */
  #takeIdle(): NetConnection | undefined {
    const now = performance.now();
    for (let c = this.#idle.pop(); c !== undefined; c = this.#idle.pop()) {
      if (now < c.idleUntil) return c;
      this.#drop(c);
    }
    return undefined;
  }

  #dequeue(): Pending | undefined {
    if (this.#queueHead >= this.#queue.length) return undefined;
    const next = this.#queue[this.#queueHead]!;
    this.#queue[this.#queueHead++] = undefined as unknown as Pending;
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    return next;
  }

  #open(first: Pending): void {
    this.#connections.add(new NetConnection(this.#target, this, first));
  }

  #drop(connection: NetConnection): void {
    this.#connections.delete(connection);
    connection.destroy();
  }

  #closeIfDone(): void {
    if (this.#closing === undefined || this.#active > 0) return;
    for (const c of this.#connections) c.destroy();
    this.#connections.clear();
    this.#idle.length = 0;
    this.#closing.resolve();
  }
}

/**
 * One keep-alive socket of the lean transport, carrying one exchange at a time: it writes a
 * request, feeds the reply to the response parser, and tells its owner (the pool) when it is
 * free again or gone. How a socket's end is read:
 *
 * - the response was complete: the exchange succeeded (a body read until close ends here);
 * - nothing of the response had arrived on a socket that had served before (so it sat idle in
 *   the pool, and the server closed it meanwhile: the request crossed the server's FIN): the
 *   exchange goes back to the owner to be sent once more, on a fresh socket, whose first
 *   exchange is never retried;
 * - anything else: the exchange fails with what happened (reset, closed by the server).
 */
import { connect as netConnect, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type SecureContext } from 'node:tls';

import { KlayworkerError } from '../util/errors.js';
import { HttpProtocolError, ResponseParser } from './http-response-parser.js';
import type { ExchangeHandler } from './transport.js';

/** Where the sockets of one endpoint go. */
export interface SocketTarget {
  host: string;
  port: number;
  /** For https: the context with the CAs to trust, and the SNI name (undefined for an IP). */
  tls: { context: SecureContext; servername: string | undefined } | undefined;
  connectTimeoutMs: number;
  /**
   * What every socket of the endpoint reads into (Node's `onread`): one buffer, reused by each
   * read, instead of a new Buffer a read pushed through the socket's Readable stream. The
   * reads of one thread come one at a time, and each is parsed, and its exchange completed,
   * before the callback returns; what is kept longer is copied (see ResponseParser.feed). Measured on
   * blockNumber against nginx: the allocation and stream machinery it skips were the largest
   * cost per response left in the transport.
   */
  readBuffer: Buffer;
}

/** A request on its way: the handler and the bytes to write (kept for a retry). */
export interface Pending {
  handler: ExchangeHandler;
  request: string;
}

export interface ConnectionOwner {
  /** An exchange ended here: answered, failed, aborted, or not sent because its call had already failed. */
  ended(): void;
  /** The connection can take another request. */
  idle(connection: NetConnection): void;
  /** The socket is gone (not by the owner's `destroy`); `retry` is an exchange to send again on a fresh socket. */
  closed(connection: NetConnection, retry: Pending | undefined): void;
  /** A response came in HTTP/1.0. */
  http10(): void;
}

/**
 * A socket failure in the words and codes rpc-error.ts names: the codes of undici's own errors
 * for the same events, so that a failure reads the same whichever transport carried the call.
 */
export class SocketFailure extends KlayworkerError {
  override name = 'SocketFailure';
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Errors after which a request that got no answer on a reused socket may be sent again: the
 * server closed or reset it, or it had ended before the write (the write then never left).
 */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED']);
/** How long an idle socket is trusted without a Keep-Alive hint (undici's default as well). */
const DEFAULT_IDLE_MS = 4_000;
/** A hinted timeout is cut by this much, so that we stop using a socket before the server drops it. */
const HINT_MARGIN_MS = 1_000;

/** tls.connect takes `onread` as net.connect does (since Node 15.1, nodejs/node#35753); @types/node leaves it out. */
function tlsOptions(options: ConnectionOptions & { onread: OnReadOpts }): ConnectionOptions {
  return options;
}

export class NetConnection {
  readonly #socket: Socket;
  readonly #owner: ConnectionOwner;
  readonly #parser = new ResponseParser();
  /** The owner destroyed it, or its close was reported: nothing more is said to the owner. */
  #done = false;
  #handler: ExchangeHandler | undefined = undefined;
  #request = '';
  /** The request of `#handler` has been written: aborting it now ends the socket too. */
  #written = false;
  /** The socket keeps the process alive (Node's default): while it has work, or its pool has. */
  #refed = true;
  /** Responses completed on this socket: a request on a socket that has served one may meet a stale socket. */
  #served = 0;
  #error: Error | undefined = undefined;
  /** performance.now() at which, once idle, the socket is no longer trusted to be open. */
  idleUntil = 0;

  constructor(target: SocketTarget, owner: ConnectionOwner, first: Pending) {
    this.#owner = owner;
    this.#handler = first.handler;
    this.#request = first.request;
    const { host, port, readBuffer } = target;
    // The view of the bytes read is kept while reads keep their length (replies to one method
    // mostly have one length): a new Buffer object a read was a measurable part of its cost.
    let view = readBuffer.subarray(0, 0);
    const onread = {
      buffer: readBuffer,
      callback: (length: number): boolean => this.#onData(view.length === length ? view : (view = readBuffer.subarray(0, length))),
    };
    this.#socket =
      target.tls === undefined
        ? netConnect({ host, port, onread }, this.#onConnect)
        : tlsConnect(
            // Node's checks stay on: rejectUnauthorized defaults to true and is never set here.
            tlsOptions({ host, port, onread, secureContext: target.tls.context, servername: target.tls.servername, ALPNProtocols: ['http/1.1'] }),
            this.#onConnect,
          );
    // Small requests go out at once (no Nagle delay); TCP keep-alive finds dead idle peers.
    this.#socket.setNoDelay(true);
    this.#socket.setKeepAlive(true, 60_000);
    // A connect that hangs (a dropped SYN) frees its slot; the call has its own deadline.
    this.#socket.setTimeout(target.connectTimeoutMs, this.#onConnectTimeout);
    this.#socket.on('end', this.#onEnd);
    this.#socket.on('error', this.#onError);
    this.#socket.on('close', this.#onClose);
  }

  /** Writes `request` for `handler`; false when the handler's call had already failed, so nothing was written. */
  send(handler: ExchangeHandler, request: string): boolean {
    this.#handler = handler;
    this.#request = request;
    handler.onConnect(this.#abort);
    // Aborted at once: the call had already failed; the socket stays as good as it was.
    if (this.#handler === undefined) return false;
    this.#parser.start(handler);
    this.#written = true;
    if (!this.#refed) {
      this.#refed = true;
      this.#socket.ref();
    }
    this.#socket.write(request);
    return true;
  }

  /** Closes the socket without a word to the owner (idle and no longer wanted). */
  destroy(): void {
    this.#done = true;
    this.#socket.destroy();
  }

  readonly #onConnect = (): void => {
    this.#socket.setTimeout(0);
    // Its first call may have failed meanwhile; the fresh socket then waits for the next.
    this.idleUntil = performance.now() + DEFAULT_IDLE_MS;
    if (!this.send(this.#handler!, this.#request)) this.#owner.idle(this);
  };

  readonly #onConnectTimeout = (): void => {
    this.#socket.destroy(new SocketFailure('connect timeout', 'UND_ERR_CONNECT_TIMEOUT'));
  };

  /**
   * The call's deadline passed: the exchange ends, and so does the socket if the request was
   * written (its reply, should it come, belongs to no one). Only ever called for the current
   * exchange: a call stops its deadline when it ends.
   */
  readonly #abort = (): void => {
    if (this.#handler === undefined) return;
    this.#handler = undefined;
    this.#request = '';
    this.#owner.ended();
    if (this.#written) this.#socket.destroy();
  };

  /** Bytes read, in the shared read buffer: parsed, and their exchange completed, before this returns. Always true: reading goes on. */
  #onData(chunk: Buffer): boolean {
    const handler = this.#handler;
    if (handler === undefined) {
      // Bytes nobody asked for: the next response could not be told from them.
      this.#socket.destroy();
      return true;
    }
    const parser = this.#parser;
    try {
      parser.feed(chunk);
    } catch (err) {
      this.#fail(err instanceof HttpProtocolError ? err : new HttpProtocolError('unreadable'));
      return true;
    }
    if (!parser.complete) return true;
    this.#handler = undefined;
    this.#request = '';
    this.#written = false;
    this.#served++;
    const reusable = parser.keepAlive && parser.extra === 0;
    if (reusable) {
      const hintMs = parser.keepAliveHintS * 1000 - HINT_MARGIN_MS;
      this.idleUntil = performance.now() + (hintMs > 0 ? hintMs : DEFAULT_IDLE_MS);
    } else {
      this.#done = true;
      this.#socket.destroy();
    }
    handler.onComplete();
    if (parser.http10) this.#owner.http10();
    this.#owner.ended();
    if (reusable) this.#owner.idle(this);
    else this.#owner.closed(this, undefined);
    return true;
  }

  readonly #onEnd = (): void => {
    const handler = this.#handler;
    if (handler === undefined) {
      // The server closed an idle socket: out of the pool at once, not at its 'close'.
      if (this.#done) return;
      this.#done = true;
      this.#socket.destroy();
      this.#owner.closed(this, undefined);
      return;
    }
    // A body read until close ends with the connection.
    if (!this.#parser.end()) return;
    this.#handler = undefined;
    this.#request = '';
    this.#written = false;
    handler.onComplete();
    if (this.#parser.http10) this.#owner.http10();
    this.#owner.ended();
  };

  readonly #onError = (err: Error): void => {
    this.#error ??= err;
  };

  readonly #onClose = (): void => {
    if (this.#done) return;
    this.#done = true;
    const handler = this.#handler;
    if (handler === undefined) {
      this.#owner.closed(this, undefined);
      return;
    }
    const err = this.#error ?? new SocketFailure('other side closed', 'UND_ERR_SOCKET');
    const code = (err as { code?: unknown }).code;
    if (this.#served > 0 && this.#parser.received === 0 && typeof code === 'string' && STALE_SOCKET_CODES.has(code)) {
      const retry = { handler, request: this.#request };
      this.#handler = undefined;
      this.#request = '';
      this.#owner.closed(this, retry);
      return;
    }
    this.#handler = undefined;
    this.#request = '';
    handler.onError(err);
    this.#owner.ended();
    this.#owner.closed(this, undefined);
  };

  /** A protocol fault: the exchange fails with it and the socket is closed. */
  #fail(err: Error): void {
    const handler = this.#handler!;
    this.#handler = undefined;
    this.#request = '';
    this.#done = true;
    this.#socket.destroy();
    handler.onError(err);
    this.#owner.ended();
    this.#owner.closed(this, undefined);
  }

  /**
   * Lets the process exit while this idle socket is open. The pool calls it when nothing is in
   * flight, not on every release: a busy pool would pay two native calls a request for it.
   */
  release(): void {
    if (!this.#refed) return;
    this.#refed = false;
    this.#socket.unref();
  }
}

/**
 * A streaming parser of one HTTP/1.x response at a time, for the lean transport: status line,
 * the three headers that frame the body (Content-Length, Transfer-Encoding, Connection, and
 * Keep-Alive's timeout hint), then a Content-Length, chunked or read-until-close body, handed
 * on as slices of the socket's own buffers (no copy). Interim 1xx responses are skipped.
 *
 * Our own rather than http-parser-js (the well-kept pure-JS parser autocannon uses): it keeps
 * every header as a string and calls back per header line, and on a JSON-RPC reply of ~60
 * bytes that cost more than the rest of the call (bench/lib/parser-bench.mjs measures both on
 * the same responses: see its header for the figures). What it gives up: no header values
 * reach the caller but the framing ones, which is all a JSON-RPC client reads.
 *
 * Strict where leniency would let a response be misframed (the same request smuggling rules
 * as llhttp's strict mode): CRLF line ends only, no control characters, one Content-Length,
 * not both Content-Length and Transfer-Encoding, a bounded head and bounded chunk sizes. Any
 * violation throws an HttpProtocolError and the socket is not reused.
 */
import { KlayworkerError } from '../util/errors.js';

/** A response that is not HTTP/1.x as the client can read it; one stable line per kind of fault. */
export class HttpProtocolError extends KlayworkerError {
  override name = 'HttpProtocolError';
  constructor(reason: string) {
    super(`invalid HTTP response: ${reason}`);
  }
}

/** Where a response goes: the ExchangeHandler's two reading methods. */
export interface ResponseSink {
  onHeaders(statusCode: number): boolean;
  onData(chunk: Buffer): boolean;
}

/** Node's own limit for a response head (--max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** 13 hex digits stay below Number.MAX_SAFE_INTEGER. */
const MAX_CHUNK_SIZE_DIGITS = 13;

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const HTTP_PREFIX = 'HTTP/1.';
const CR = 13;
const LF = 10;

const enum State {
  Head,
  Length,
  UntilClose,
  ChunkSize,
  ChunkExtension,
  ChunkSizeLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  TrailerStart,
  TrailerLine,
  TrailerLf,
  TrailerEndLf,
  Done,
}

/** Status line: version, three-digit status, optional reason (visible text and spaces). */
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;
/** A header line: an RFC 9110 token, a colon, a value of visible text, spaces and tabs. */
const HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;
const DIGITS = /^\d{1,15}$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[\s,])timeout=(\d{1,9})/i;

export class ResponseParser {
  #sink: ResponseSink | undefined = undefined;
  #state = State.Done;
  /** A head that has not ended yet (it came in several packets). */
  #partial: Buffer | undefined = undefined;
  /** Body bytes still due: of the Content-Length body, or of the current chunk. */
  #remaining = 0;
  #chunkDigits = 0;
  #http10 = false;
  #close = false;
  #keepAliveHeader = false;

  /** Bytes of this response received so far: 0 means the server has sent nothing of it. */
  received = 0;
  /** Bytes after the end of the response in the packet that completed it (a protocol fault). */
  extra = 0;
  /** The server's Keep-Alive timeout hint in seconds, 0 without one. */
  keepAliveHintS = 0;

  /** Ready for the response to a request about to be written. */
  start(sink: ResponseSink): void {
    this.#sink = sink;
    this.#state = State.Head;
    this.#partial = undefined;
    this.received = 0;
    this.extra = 0;
    this.keepAliveHintS = 0;
  }

  /** The whole response has been read. */
  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** The response said the connection stays open for another request (valid once complete). */
  get keepAlive(): boolean {
    return !this.#close && (!this.#http10 || this.#keepAliveHeader);
  }

  /** The server speaks HTTP/1.0, not 1.1 (valid once the head is read). */
  get http10(): boolean {
    return this.#http10;
  }

  /** Reads the next bytes of the response; throws an HttpProtocolError on a protocol fault. */
  feed(chunk: Buffer): void {
    this.received += chunk.length;
    let at = 0;
    if (this.#state === State.Head) {
      at = this.#head(chunk);
      if (at < 0) return;
    }
    while (at < chunk.length) {
      switch (this.#state) {
        case State.Length: {
          const take = Math.min(this.#remaining, chunk.length - at);
          this.#data(chunk, at, at + take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = State.Done;
          break;
        }
        case State.UntilClose:
          this.#data(chunk, at, chunk.length);
          at = chunk.length;
          break;
        case State.ChunkData: {
          const take = Math.min(this.#remaining, chunk.length - at);
          this.#data(chunk, at, at + take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = State.ChunkDataCr;
          break;
        }
        case State.Done:
          this.extra = chunk.length - at;
          return;
        default:
          // The chunked framing; #head has left the Head state behind (1xx included).
          at = this.#chunkFraming(chunk, at);
      }
    }
  }

  /**
   * The server closed the connection. True when that ends the response (a body read until
   * close); false when the response was cut short, or never began.
   */
  end(): boolean {
    if (this.#state !== State.UntilClose) return this.#state === State.Done;
    this.#state = State.Done;
    this.#close = true;
    return true;
  }

  #data(chunk: Buffer, from: number, to: number): void {
    if (to > from) this.#sink!.onData(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
  }

  /**
   * Looks for the end of the head in `chunk` (after what came before); parses it when found.
   * Returns the offset in `chunk` where the body begins, or -1 when the head goes on.
   */
  #head(chunk: Buffer): number {
    let buf = chunk;
    let from = 0;
    const before = this.#partial;
    if (before !== undefined) {
      buf = Buffer.concat([before, chunk]);
      from = Math.max(0, before.length - 3);
    }
    const end = buf.indexOf(CRLFCRLF, from);
    if (end < 0) {
      // Fail early on what cannot become a response, rather than at the call's deadline.
      const shown = Math.min(buf.length, HTTP_PREFIX.length);
      if (buf.toString('latin1', 0, shown) !== HTTP_PREFIX.slice(0, shown)) throw new HttpProtocolError('no HTTP/1.x status line');
      if (buf.length >= MAX_HEAD_BYTES) throw new HttpProtocolError(`the headers are over ${MAX_HEAD_BYTES / 1024} KiB`);
      this.#partial = buf;
      return -1;
    }
    this.#partial = undefined;
    if (end + 4 > MAX_HEAD_BYTES) throw new HttpProtocolError(`the headers are over ${MAX_HEAD_BYTES / 1024} KiB`);
    const status = this.#parseHead(buf.toString('latin1', 0, end));
    const bodyAt = end + 4 - (before === undefined ? 0 : before.length);
    if (status < 200) {
      // 1xx: interim (100 Continue, 103 Early Hints); the final response follows. 101 would
      // switch protocols, which this client never asks for.
      if (status === 101) throw new HttpProtocolError('101 Switching Protocols without an upgrade request');
      this.#state = State.Head;
      return this.#continueAfterInterim(chunk, bodyAt);
    }
    this.#sink!.onHeaders(status);
    return bodyAt;
  }

  /** After a 1xx head ending at `at` of `chunk`: the next head, which may be in the same packet. */
  #continueAfterInterim(chunk: Buffer, at: number): number {
    if (at >= chunk.length) return -1;
    const next = this.#head(chunk.subarray(at));
    return next < 0 ? -1 : at + next;
  }

  /** Parses the status line and headers; sets the body's framing; returns the status code. */
  #parseHead(head: string): number {
    let lineEnd = head.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = head.length;
    const statusLine = STATUS_LINE.exec(head.slice(0, lineEnd));
    if (statusLine === null) throw new HttpProtocolError('malformed status line');
    const status = Number(statusLine[2]);
    this.#http10 = statusLine[1] === '0';
    this.#close = false;
    this.#keepAliveHeader = false;
    let length = -1;
    let chunked = false;
    let transferEncoding = false;
    for (let at = lineEnd + 2; at < head.length;) {
      let next = head.indexOf('\r\n', at);
      if (next < 0) next = head.length;
      const line = head.slice(at, next);
      at = next + 2;
      if (!HEADER_LINE.test(line)) throw new HttpProtocolError('malformed header line');
      const colon = line.indexOf(':');
      // Only the framing headers are read; the length check skips the rest without lower-casing.
      if (colon !== 14 && colon !== 17 && colon !== 10) continue;
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!DIGITS.test(value)) throw new HttpProtocolError('malformed Content-Length');
        const n = Number(value);
        if (length !== -1 && length !== n) throw new HttpProtocolError('conflicting Content-Length headers');
        length = n;
      } else if (name === 'transfer-encoding') {
        transferEncoding = true;
        // Only the last coding says how the body ends (RFC 9112 §6.3).
        const codings = value.toLowerCase().split(',');
        chunked = codings[codings.length - 1]!.trim() === 'chunked';
      } else if (name === 'connection') {
        for (const token of value.toLowerCase().split(',')) {
          const t = token.trim();
          if (t === 'close') this.#close = true;
          else if (t === 'keep-alive') this.#keepAliveHeader = true;
        }
      } else if (name === 'keep-alive') {
        const hint = KEEP_ALIVE_TIMEOUT.exec(value);
        if (hint !== null) this.keepAliveHintS = Number(hint[1]);
      }
    }
    if (transferEncoding && length !== -1) throw new HttpProtocolError('both Content-Length and Transfer-Encoding');
    if (status < 200 || status === 204 || status === 304) {
      this.#state = State.Done;
    } else if (chunked) {
      this.#state = State.ChunkSize;
      this.#remaining = 0;
      this.#chunkDigits = 0;
    } else if (length >= 0) {
      this.#state = length === 0 ? State.Done : State.Length;
      this.#remaining = length;
    } else {
      // Neither: the body ends when the server closes the connection (RFC 9112 §6.3, rule 8).
      this.#state = State.UntilClose;
    }
    return status;
  }

  /** The chunked framing between chunks' data, byte by byte; returns where it stopped. */
  #chunkFraming(chunk: Buffer, from: number): number {
    let at = from;
    while (at < chunk.length) {
      const byte = chunk[at]!;
      switch (this.#state) {
        case State.ChunkSize: {
          const digit = hexValue(byte);
          if (digit >= 0) {
            if (++this.#chunkDigits > MAX_CHUNK_SIZE_DIGITS) throw new HttpProtocolError('chunk size too large');
            this.#remaining = this.#remaining * 16 + digit;
          } else if (this.#chunkDigits === 0) {
            throw new HttpProtocolError('malformed chunk size');
          } else if (byte === CR) {
            this.#state = State.ChunkSizeLf;
          } else if (byte === 0x3b /* ; */ || byte === 0x20 || byte === 0x09) {
            this.#state = State.ChunkExtension;
          } else {
            throw new HttpProtocolError('malformed chunk size');
          }
          break;
        }
        case State.ChunkExtension:
          if (byte === CR) this.#state = State.ChunkSizeLf;
          else if (byte < 0x20 && byte !== 0x09) throw new HttpProtocolError('malformed chunk extension');
          break;
        case State.ChunkSizeLf:
          if (byte !== LF) throw new HttpProtocolError('malformed chunk size line');
          this.#chunkDigits = 0;
          if (this.#remaining === 0) {
            this.#state = State.TrailerStart;
          } else {
            this.#state = State.ChunkData;
            return at + 1;
          }
          break;
        case State.ChunkDataCr:
          if (byte !== CR) throw new HttpProtocolError('chunk data longer than its size');
          this.#state = State.ChunkDataLf;
          break;
        case State.ChunkDataLf:
          if (byte !== LF) throw new HttpProtocolError('chunk data longer than its size');
          this.#state = State.ChunkSize;
          this.#remaining = 0;
          break;
        case State.TrailerStart:
          if (byte === CR) this.#state = State.TrailerEndLf;
          else if (byte === LF || byte < 0x20) throw new HttpProtocolError('malformed trailer');
          else this.#state = State.TrailerLine;
          break;
        case State.TrailerLine:
          if (byte === CR) this.#state = State.TrailerLf;
          else if (byte === LF || (byte < 0x20 && byte !== 0x09)) throw new HttpProtocolError('malformed trailer');
          break;
        case State.TrailerLf:
          if (byte !== LF) throw new HttpProtocolError('malformed trailer');
          this.#state = State.TrailerStart;
          break;
        case State.TrailerEndLf:
          if (byte !== LF) throw new HttpProtocolError('malformed trailer');
          this.#state = State.Done;
          return at + 1;
        default:
          // Not a framing state: the caller's loop goes on with the data.
          return at;
      }
      at++;
    }
    return at;
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

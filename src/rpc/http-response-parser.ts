/**
 * A streaming parser of one HTTP/1.x response at a time, for the lean transport: status line,
 * the three headers that frame the body (Content-Length, Transfer-Encoding, Connection, and
 * Keep-Alive's timeout hint), then a Content-Length, chunked or read-until-close body, handed
 * on as slices of the socket's own buffers (no copy). Interim 1xx responses are skipped.
 *
 * Our own rather than http-parser-js (the well-kept pure-JS parser autocannon uses): that one
 * makes a string of every line and a header list per reply, and took 2.5–3× the CPU time of
 * this one per reply (bench/lib/parser-bench.mjs measures both on the same replies; its header
 * has the figures): about 2 µs more a call, a tenth of a call's CPU at ~50k calls per
 * CPU-second. What it gives up: no header reaches the caller but the framing ones, which is
 * all a JSON-RPC client reads.
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

const HT = 9;
const SP = 0x20;
const COLON = 0x3a;
/** RFC 9110 token characters, the only ones a header name may have. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;
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
  /** What the head being read says: its status, Content-Length (-1: none) and Transfer-Encoding. */
  #status = 0;
  #length = -1;
  #chunked = false;
  #transferEncoding = false;

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
        case State.Length:
          at = this.#take(chunk, at, State.Done);
          break;
        case State.UntilClose:
          this.#data(chunk, at, chunk.length);
          at = chunk.length;
          break;
        case State.ChunkData:
          at = this.#take(chunk, at, State.ChunkDataCr);
          break;
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

  /** Hands on the body bytes still due (of the body, or of the chunk) from `at`; then `next`. Returns where it stopped. */
  #take(chunk: Buffer, at: number, next: State): number {
    const take = Math.min(this.#remaining, chunk.length - at);
    this.#data(chunk, at, at + take);
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = next;
    return at + take;
  }

  #data(chunk: Buffer, from: number, to: number): void {
    if (to > from) this.#sink!.onData(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
  }

  /**
   * Reads the head from `chunk` (after what came before of it), 1xx heads included. Returns
   * the offset in `chunk` where the final response's body begins, or -1 when the head goes on.
   */
  #head(chunk: Buffer): number {
    const before = this.#partial;
    const buf = before === undefined ? chunk : Buffer.concat([before, chunk]);
    /** Offsets in `buf` are this much more than in `chunk`. */
    const shift = before === undefined ? 0 : before.length;
    for (let from = 0; ;) {
      const bodyAt = this.#scanHead(buf, from);
      if (bodyAt < 0) {
        this.#partial = from === 0 ? buf : buf.subarray(from);
        return -1;
      }
      this.#partial = undefined;
      const status = this.#status;
      if (status >= 200) {
        this.#frame();
        this.#sink!.onHeaders(status);
        return bodyAt - shift;
      }
      // 1xx: interim (100 Continue, 103 Early Hints); the final response follows, maybe in
      // this packet. 101 would switch protocols, which this client never asks for.
      if (status === 101) throw new HttpProtocolError('101 Switching Protocols without an upgrade request');
      from = bodyAt;
      if (from === buf.length) return -1;
    }
  }

  /**
   * One pass over the bytes of a head that starts at `from`: finds its end, checks every byte
   * (no control characters but tab, CR only in CRLF, header names of token characters and a
   * colon) and reads the status line and the framing headers as it goes. Returns the offset
   * after the blank line, or -1 when the head is not complete in `buf` yet.
   *
   * Bytes, not a string and regular expressions: on a typical reply this pass costs a third of
   * what converting the head and scanning it twice with regular expressions did.
   */
  #scanHead(buf: Buffer, from: number): number {
    const limit = Math.min(buf.length, from + MAX_HEAD_BYTES);
    this.#status = 0;
    this.#length = -1;
    this.#chunked = false;
    this.#transferEncoding = false;
    this.#close = false;
    this.#keepAliveHeader = false;
    let statusLine = true;
    let lineStart = from;
    let colon = -1;
    let nameOk = true;
    for (let i = from; i < limit; i++) {
      const byte = buf[i]!;
      if (byte === CR) {
        if (i + 1 === buf.length) return -1;
        if (buf[i + 1] !== LF) throw lineError(statusLine);
        if (statusLine) {
          this.#statusLine(buf, lineStart, i);
          statusLine = false;
        } else if (i === lineStart) {
          return i + 2;
        } else {
          if (colon <= lineStart || !nameOk) throw lineError(false);
          this.#header(buf, lineStart, colon, i);
        }
        i++;
        lineStart = i + 1;
        colon = -1;
        nameOk = true;
      } else if ((byte < SP && byte !== HT) || byte === 0x7f) {
        // A bare LF included.
        throw lineError(statusLine);
      } else if (!statusLine && colon < 0) {
        if (byte === COLON) colon = i;
        else if (TCHAR[byte] === 0) nameOk = false;
      }
    }
    if (limit - from >= MAX_HEAD_BYTES) throw new HttpProtocolError(`the headers are over ${MAX_HEAD_BYTES / 1024} KiB`);
    // Fail early on what cannot become a response, rather than at the call's deadline.
    if (statusLine) {
      for (let i = from; i < limit && i - from < HTTP_PREFIX.length; i++) {
        if (buf[i] !== HTTP_PREFIX.charCodeAt(i - from)) throw new HttpProtocolError('no HTTP/1.x status line');
      }
    }
    return -1;
  }

  /** `HTTP/1.x SSS`, then a space and a reason (checked byte by byte already), or nothing. */
  #statusLine(buf: Buffer, start: number, end: number): void {
    let ok = end - start >= 12 && buf[start + 8] === SP && (end - start === 12 || buf[start + 12] === SP);
    for (let k = 0; ok && k < HTTP_PREFIX.length; k++) ok = buf[start + k] === HTTP_PREFIX.charCodeAt(k);
    const minor = buf[start + 7];
    let status = 0;
    for (let k = 9; ok && k < 12; k++) {
      const digit = buf[start + k]! - 0x30;
      ok = digit >= 0 && digit <= 9;
      status = status * 10 + digit;
    }
    if (!ok || (minor !== 0x30 && minor !== 0x31) || status < 100) throw new HttpProtocolError('malformed status line');
    this.#status = status;
    this.#http10 = minor === 0x30;
  }

  /** A header line from `start` to `end`, name up to `colon`: only the framing headers are read. */
  #header(buf: Buffer, start: number, colon: number, end: number): void {
    const nameLength = colon - start;
    if (nameLength === 14 && nameIs(buf, start, 'content-length')) {
      const value = buf.toString('latin1', colon + 1, end).trim();
      if (!DIGITS.test(value)) throw new HttpProtocolError('malformed Content-Length');
      const n = Number(value);
      if (this.#length !== -1 && this.#length !== n) throw new HttpProtocolError('conflicting Content-Length headers');
      this.#length = n;
    } else if (nameLength === 17 && nameIs(buf, start, 'transfer-encoding')) {
      this.#transferEncoding = true;
      // Only the last coding says how the body ends (RFC 9112 §6.3).
      const codings = buf
        .toString('latin1', colon + 1, end)
        .toLowerCase()
        .split(',');
      this.#chunked = codings[codings.length - 1]!.trim() === 'chunked';
    } else if (nameLength === 10 && nameIs(buf, start, 'connection')) {
      const tokens = buf
        .toString('latin1', colon + 1, end)
        .trim()
        .toLowerCase();
      // Usually one token: no list to split.
      for (const token of tokens === 'keep-alive' || tokens === 'close' ? [tokens] : tokens.split(',')) {
        const t = token.trim();
        if (t === 'close') this.#close = true;
        else if (t === 'keep-alive') this.#keepAliveHeader = true;
      }
    } else if (nameLength === 10 && nameIs(buf, start, 'keep-alive')) {
      const hint = KEEP_ALIVE_TIMEOUT.exec(buf.toString('latin1', colon + 1, end));
      if (hint !== null) this.keepAliveHintS = Number(hint[1]);
    }
  }

  /** How the final response's body ends, from its status and framing headers. */
  #frame(): void {
    const status = this.#status;
    const length = this.#length;
    if (this.#transferEncoding && length !== -1) throw new HttpProtocolError('both Content-Length and Transfer-Encoding');
    if (status === 204 || status === 304) {
      this.#state = State.Done;
    } else if (this.#chunked) {
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

function lineError(statusLine: boolean): HttpProtocolError {
  return new HttpProtocolError(statusLine ? 'malformed status line' : 'malformed header line');
}

/** Whether the token at `start` is `lower` in any case (a token's letters differ from lower case by bit 5 only). */
function nameIs(buf: Buffer, start: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) if ((buf[start + k]! | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

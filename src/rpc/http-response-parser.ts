/**
 * A streaming parser of one HTTP/1.x response at a time, for the lean transport: the head (read
 * by http-response-head.ts: status line, the headers that frame the body, and Keep-Alive's
 * timeout hint), then a Content-Length, chunked or read-until-close body, handed on as slices
 * of the socket's own buffers (no copy). Interim 1xx responses are skipped.
 *
 * Our own rather than http-parser-js (the well-kept pure-JS parser autocannon uses): that one
 * makes a string of every line and a header list per reply, and took 2.5–3× the CPU time of
 * this one per reply (bench/lib/parser-bench.mjs measures both on the same replies; its header
 * has the figures): about 2 µs more a call, a tenth of a call's CPU at ~50k calls per
 * CPU-second. What it gives up: no header reaches the caller but the framing ones, which is
 * all a JSON-RPC client reads.
 *
 * Strict where leniency would let a response be misframed (the same request smuggling rules
 * as llhttp's strict mode): the head's rules (http-response-head.ts), not both Content-Length
 * and Transfer-Encoding, bounded chunk sizes, CRLF after every chunk. Any violation throws an
 * HttpProtocolError and the socket is not reused.
 */
import { HttpProtocolError, ResponseHead } from './http-response-head.js';

// The parser's callers meet its faults here; the head, which throws most of them, defines it.
export { HttpProtocolError } from './http-response-head.js';

/** Where a response goes: the ExchangeHandler's two reading methods. */
export interface ResponseSink {
  onHeaders(statusCode: number): boolean;
  onData(chunk: Buffer): boolean;
}

/** 13 hex digits stay below Number.MAX_SAFE_INTEGER. */
const MAX_CHUNK_SIZE_DIGITS = 13;

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

export class ResponseParser {
  #sink: ResponseSink | undefined = undefined;
  #state = State.Done;
  /** What the head being read (or the last one read) says. */
  readonly #head = new ResponseHead();
  /** A head that has not ended yet (it came in several packets). */
  #partial: Buffer | undefined = undefined;
  /** Body bytes still due: of the Content-Length body, or of the current chunk. */
  #remaining = 0;
  #chunkDigits = 0;

  /** Bytes of this response received so far: 0 means the server has sent nothing of it. */
  received = 0;
  /** Bytes after the end of the response in the packet that completed it (a protocol fault). */
  extra = 0;

  /** Ready for the response to a request about to be written. */
  start(sink: ResponseSink): void {
    this.#sink = sink;
    this.#state = State.Head;
    this.#partial = undefined;
    this.received = 0;
    this.extra = 0;
    this.#head.newResponse();
  }

  /** The whole response has been read. */
  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** The response said the connection stays open for another request (valid once complete). */
  get keepAlive(): boolean {
    const head = this.#head;
    return !head.close && (!head.http10 || head.keepAliveHeader);
  }

  /** The server speaks HTTP/1.0, not 1.1 (valid once the head is read). */
  get http10(): boolean {
    return this.#head.http10;
  }

  /** The server's Keep-Alive timeout hint in seconds, 0 without one. */
  get keepAliveHintS(): number {
    return this.#head.keepAliveHintS;
  }

  /**
   * Reads the next bytes of the response; throws an HttpProtocolError on a protocol fault.
   * `chunk`'s memory may be reused once the response is complete or feed returns, whichever is
   * later (the lean transport reads every socket into one buffer): what the sink is handed is
   * a copy, but for the piece that ends a Content-Length body, the usual reply whole in one
   * read, which the caller completes before this read's memory is reused.
   */
  feed(chunk: Buffer): void {
    this.received += chunk.length;
    let at = 0;
    if (this.#state === State.Head) {
      at = this.#readHead(chunk);
      if (at < 0) return;
    }
    this.#feedBody(chunk, at);
    // Done: let the sink go. The parser lives as long as its socket, and the sink is the call
    // it answered, which holds the call's result. Kept until the socket's next request, the
    // inclusion tracker's last block (a few thousand hash strings) lived on between head polls,
    // and young-generation collections copied it (bench/README.md §5b).
    if (this.#state === State.Done) this.#sink = undefined;
  }

  /** The body bytes of `chunk` from `at` (see feed). */
  #feedBody(chunk: Buffer, at: number): void {
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
          // The chunked framing; #readHead has left the Head state behind (1xx included).
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
    this.#sink = undefined;
    this.#head.close = true;
    return true;
  }

  /** Hands on the body bytes still due (of the body, or of the chunk) from `at`; then `next`. Returns where it stopped. */
  #take(chunk: Buffer, at: number, next: State): number {
    const take = Math.min(this.#remaining, chunk.length - at);
    this.#data(chunk, at, at + take, next === State.Done && take === this.#remaining);
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = next;
    return at + take;
  }

  /** Hands `chunk[from, to)` to the sink: as it is when it `endsBody`, else a copy (see feed). */
  #data(chunk: Buffer, from: number, to: number, endsBody = false): void {
    if (to <= from) return;
    const piece = from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
    this.#sink!.onData(endsBody ? piece : Buffer.from(piece));
  }

  /**
   * Reads the head from `chunk` (after what came before of it), 1xx heads included. Returns
   * the offset in `chunk` where the final response's body begins, or -1 when the head goes on.
   */
  #readHead(chunk: Buffer): number {
    const before = this.#partial;
    const buf = before === undefined ? chunk : Buffer.concat([before, chunk]);
    /** Offsets in `buf` are this much more than in `chunk`. */
    const shift = before === undefined ? 0 : before.length;
    for (let from = 0; ;) {
      const bodyAt = this.#head.scan(buf, from);
      if (bodyAt < 0) {
        // A copy: the chunk's memory is reused by the next read (see NetConnection's readBuffer).
        this.#partial = Buffer.from(buf.subarray(from));
        return -1;
      }
      this.#partial = undefined;
      const status = this.#head.status;
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

  /** How the final response's body ends, from its status and framing headers. */
  #frame(): void {
    const { status, length, transferEncoding, chunked } = this.#head;
    if (transferEncoding && length !== -1) throw new HttpProtocolError('both Content-Length and Transfer-Encoding');
    if (status === 204 || status === 304) {
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

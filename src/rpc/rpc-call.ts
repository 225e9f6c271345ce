/**
 * One JSON-RPC call in flight: the handler of its HTTP exchange (the transport seam's, shaped
 * like undici's dispatch handler, so undici takes it as it is), and its entry in the client's
 * deadline queue. Handling the exchange at this level skips streams, header objects and
 * abort-signal plumbing, which cost more than everything else a klayworker user does per call;
 * the reply is read once, as the bytes arrive.
 */
import { STATUS_CODES } from 'node:http';

import { KlayworkerError } from '../util/errors.js';
import type { DeadlineQueue, Expiring } from './deadline-queue.js';
import { parseJsonBody } from './json-body.js';
import { httpError, malformedError, oneLine, type RpcError, rpcErrorFromResponse, timeoutError, transportError } from './rpc-error.js';
import type { ExchangeHandler } from './transport.js';

export interface RpcResponse {
  result: unknown;
  /** Bytes of the response body: the content length recorded in the stats. */
  bytes: number;
}

/**
 * What a call's promise resolves to, made as the call ends (JsonRpcClient.callThen): the reply
 * or the failure mapped at once, with no promise chained on the call's. A read test case's
 * every call ends this way (timed-call.ts), so it pays for one promise, not two, and for no
 * closure. A method that throws rejects the call's promise with what it threw.
 */
export interface CallEnd<T> {
  succeeded(response: RpcResponse): T;
  failed(err: unknown): T;
  /**
   * Reads a reply of a successful exchange off its bytes, which are valid only during this
   * call (the transport reuses their memory); undefined: the body is parsed as usual, then
   * `succeeded`. For a reply too large to make text of, whose shape the caller knows (a
   * block's hash list: ../chain/block-reply.ts). It must not throw.
   */
  readBody?(body: Buffer, id: number): T | undefined;
}

/** One call of a batch: its result, or why it failed (the others may still have succeeded). */
export type BatchItem = { ok: true; result: unknown } | { ok: false; error: RpcError };

const NOT_JSON_PREVIEW = 40;
const NO_BODY = Buffer.alloc(0);

/** What we abort a timed-out exchange with; never shown (the call has already failed). */
class DeadlinePassed extends KlayworkerError {
  override name = 'DeadlinePassed';
  constructor() {
    super('the call passed its deadline');
  }
}

// undici's legacy handler methods (onConnect, onHeaders, onData, onComplete, onError) are what
// its HTTP/1 client calls natively; the newer controller API is adapted onto them per request.
export class RpcCall<T = RpcResponse> implements Expiring, ExchangeHandler {
  deadline: number;
  prev: Expiring | undefined = undefined;
  next: Expiring | undefined = undefined;
  queued = false;
  readonly promise: Promise<T>;
  readonly #id: number;
  /** 0 for one call; for a batch, its calls carry the ids #id, #id + 1, … (the result is BatchItem[]). */
  readonly #batch: number;
  readonly #timeoutMs: number;
  readonly #deadlines: DeadlineQueue;
  /** undefined: the promise resolves to the RpcResponse and rejects with the failure. */
  readonly #end: CallEnd<T> | undefined;
  #resolve!: (value: T) => void;
  #reject!: (err: unknown) => void;
  #settled = false;
  #timedOut = false;
  #abort: ((err?: Error) => void) | undefined = undefined;
  #status = 0;
  /** The body: usually one chunk; `#more` holds the rest when there are several. */
  #first: Buffer | undefined = undefined;
  #more: Buffer[] | undefined = undefined;
  #bytes = 0;

  /** `startedAt`: performance.now() when the call was made (its deadline counts from there). */
  constructor(id: number, timeoutMs: number, deadlines: DeadlineQueue, startedAt: number, end?: CallEnd<T>, batch = 0) {
    this.#id = id;
    this.#batch = batch;
    this.#timeoutMs = timeoutMs;
    this.#deadlines = deadlines;
    this.#end = end;
    this.deadline = startedAt + timeoutMs;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    deadlines.add(this);
  }

  /** The deadline passed: fail now, and free the socket (at once, or as soon as it gets one). */
  expire(): void {
    this.#timedOut = true;
    this.#fail(timeoutError(this.#timeoutMs));
    this.#abort?.(new DeadlinePassed());
  }

  onConnect(abort: (err?: Error) => void): void {
    // A call whose deadline passed while it waited for a socket is not sent: on a busy machine
    // the deadline timer may fire after the socket is handed over, and a late answer must not
    // pass for one within --rpc-timeout.
    if (!this.#timedOut && performance.now() >= this.deadline) {
      this.#deadlines.remove(this);
      this.#timedOut = true;
      this.#fail(timeoutError(this.#timeoutMs));
    }
    if (this.#timedOut) abort(new DeadlinePassed());
    else this.#abort = abort;
  }

  onHeaders(statusCode: number): boolean {
    // 1xx (e.g. 100 Continue) come before the real status.
    if (statusCode >= 200) this.#status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    // An error page is read (so the socket can be reused) but not kept.
    if (this.#status > 299) return true;
    // Both transports check a declared content-length against what arrives, so the sum is exact.
    this.#bytes += chunk.length;
    // Kept as it is: it is read in onComplete, before the transport reuses its memory (transport.ts).
    if (this.#first === undefined) this.#first = chunk;
    else (this.#more ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    this.#deadlines.remove(this);
    if (this.#settled) return;
    if (this.#status < 200 || this.#status > 299) {
      this.#fail(httpError(this.#status, STATUS_CODES[this.#status]));
      return;
    }
    let body: Buffer;
    if (this.#first === undefined) body = NO_BODY;
    else if (this.#more === undefined) body = this.#first;
    else body = Buffer.concat([this.#first, ...this.#more], this.#bytes);
    const read = this.#batch === 0 ? this.#end?.readBody?.(body, this.#id) : undefined;
    if (read !== undefined) {
      this.#settled = true;
      this.#resolve(read);
      return;
    }
    let response: RpcResponse;
    try {
      response = { result: this.#batch === 0 ? parseResult(body, this.#id) : parseBatch(body, this.#id, this.#batch), bytes: this.#bytes };
    } catch (err) {
      this.#fail(err);
      return;
    }
    this.#settled = true;
    if (this.#end === undefined) {
      this.#resolve(response as T);
      return;
    }
    try {
      this.#resolve(this.#end.succeeded(response));
    } catch (err) {
      this.#reject(err);
    }
  }

  onError(err: Error): void {
    this.#deadlines.remove(this);
    if (this.#timedOut) return;
    this.#fail(transportError(err, this.#timeoutMs));
  }

  #fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#end === undefined) {
      this.#reject(err);
      return;
    }
    try {
      this.#resolve(this.#end.failed(err));
    } catch (thrown) {
      this.#reject(thrown);
    }
  }
}

function parseResult(body: Buffer, id: number): unknown {
  const hex = hexResult(body, id);
  if (hex !== undefined) return hex;
  const reply = parseJson(body);
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    throw malformedError(`expected a JSON object, got ${Array.isArray(reply) ? 'an array' : typeof reply}`);
  }
  const { error, result, id: replyId } = reply as { error?: unknown; result?: unknown; id?: unknown };
  // A reply to a request the node could not parse carries id null, so errors come first.
  if (error !== undefined && error !== null) throw rpcErrorFromResponse(error);
  if (result === undefined) throw malformedError('no result and no error');
  // Ids vary per call; keeping them out of the message keeps one stats error row.
  if (replyId !== id) throw malformedError('response id does not match the request id');
  return result;
}

const REPLY_START = Buffer.from('{"jsonrpc":"2.0","id":', 'latin1');
const RESULT_START = Buffer.from(',"result":"', 'latin1');
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;
/** Digits, a-f, A-F and x: the bytes of a hex result, none of which JSON escapes. */
const HEX_BYTE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEFx') HEX_BYTE[c.charCodeAt(0)] = 1;

/**
 * The reply most calls get, `{"jsonrpc":"2.0","id":<id>,"result":"<hex>"}` exactly (a
 * quantity or a hash; a trailing newline, as geth sends, allowed), read off the bytes: the
 * string JSON.parse would give, without decoding the body and building an object for it.
 * Anything else, a wrong id included, is undefined: the body is then parsed whole. (Measured
 * apart: 0.23 µs against 0.42 µs a reply, on blockNumber's reply.)
 */
export function hexResult(body: Buffer, id: number): string | undefined {
  let end = body.length;
  while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d || body[end - 1] === 0x20)) end--;
  const head = REPLY_START.length;
  if (end < head + RESULT_START.length + 3 || body[end - 1] !== CLOSE_BRACE || body[end - 2] !== QUOTE) return undefined;
  if (!bytesAt(body, 0, REPLY_START)) return undefined;
  // The id: digits, no leading zero (JSON has none), equal to ours.
  let i = head;
  let value = 0;
  for (let digit = body[i]! - 0x30; digit >= 0 && digit <= 9; digit = body[++i]! - 0x30) value = value * 10 + digit;
  if (i === head || i - head > 15 || (body[head] === 0x30 && i - head > 1) || value !== id) return undefined;
  if (!bytesAt(body, i, RESULT_START)) return undefined;
  const from = i + RESULT_START.length;
  // The result's closing quote is not its opening one.
  if (from > end - 2) return undefined;
  for (let k = from; k < end - 2; k++) if (HEX_BYTE[body[k]!] === 0) return undefined;
  return body.toString('latin1', from, end - 2);
}

/** `body` holds `expected` at `at` (a loop: a third of Buffer#compare's cost on these few bytes). */
function bytesAt(body: Buffer, at: number, expected: Buffer): boolean {
  if (at + expected.length > body.length) return false;
  for (let k = 0; k < expected.length; k++) if (body[at + k] !== expected[k]) return false;
  return true;
}

/**
 * A batch's reply: an array of replies in any order, matched to the calls by id. A node that
 * takes no batches answers with one error object instead: that fails the whole batch.
 */
function parseBatch(body: Buffer, firstId: number, count: number): BatchItem[] {
  const reply = parseJson(body);
  if (!Array.isArray(reply)) {
    const error = typeof reply === 'object' && reply !== null ? (reply as { error?: unknown }).error : undefined;
    if (error !== undefined && error !== null) throw rpcErrorFromResponse(error);
    throw malformedError(`expected a JSON array for a batch, got ${reply === null ? 'null' : typeof reply}`);
  }
  const items: (BatchItem | undefined)[] = new Array<BatchItem | undefined>(count).fill(undefined);
  for (const one of reply as unknown[]) {
    if (typeof one !== 'object' || one === null) continue;
    const { error, result, id } = one as { error?: unknown; result?: unknown; id?: unknown };
    const at = typeof id === 'number' ? id - firstId : -1;
    if (at < 0 || at >= count || items[at] !== undefined) continue;
    if (error !== undefined && error !== null) items[at] = { ok: false, error: rpcErrorFromResponse(error) };
    else if (result === undefined) items[at] = { ok: false, error: malformedError('no result and no error') };
    else items[at] = { ok: true, result };
  }
  return items.map((item) => item ?? { ok: false, error: malformedError('no reply to this call of the batch') });
}

function parseJson(body: Buffer): unknown {
  try {
    return parseJsonBody(body);
  } catch {
    throw malformedError(body.length === 0 ? 'empty body' : `not JSON: ${JSON.stringify(oneLine(body.toString('utf8'), NOT_JSON_PREVIEW))}`);
  }
}

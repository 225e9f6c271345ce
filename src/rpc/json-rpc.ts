/**
 * A JSON-RPC 2.0 client over an undici keep-alive pool. This is the hot path of every test
 * case, so a call builds its body as one string, parses the reply once and allocates little
 * beyond what undici needs.
 */
import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import { httpError, malformedError, oneLine, RpcError, rpcErrorFromResponse, timeoutError, transportError } from './rpc-error.js';

export interface JsonRpcClientOptions {
  /** Most sockets open to the endpoint at once (default 100); further calls queue. */
  connections?: number;
  /**
   * Deadline for a whole call, from the moment it is made (queueing for a free socket
   * included) until the reply is read (default 10 000 ms).
   */
  timeoutMs?: number;
}

export interface RpcResponse {
  result: unknown;
  /** Bytes of the response body: the content length recorded in the stats. */
  bytes: number;
}

const HEADERS = { 'content-type': 'application/json' } as const;
const NOT_JSON_PREVIEW = 40;
const BACKSTOP_MS = 5_000;

export class JsonRpcClient {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #timeoutMs: number;
  #nextId = 1;
  #closing: Promise<void> | undefined;

  constructor(url: string, options: JsonRpcClientOptions = {}) {
    const { connections = 100, timeoutMs = 10_000 } = options;
    const endpoint = new URL(url);
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
      throw new TypeError(`JSON-RPC endpoint must be an http:// or https:// URL, got ${endpoint.protocol}`);
    }
    if (!Number.isSafeInteger(connections) || connections < 1) {
      throw new RangeError(`connections must be an integer >= 1, got ${connections}`);
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    this.#path = endpoint.pathname + endpoint.search;
    this.#timeoutMs = timeoutMs;
    this.#pool = new Pool(endpoint.origin, {
      connections,
      // One request per socket at a time: a slow reply must not hold up the calls behind it.
      pipelining: 1,
      connectTimeout: timeoutMs,
      // undici's own header/body timers tick every ~0.5 s (300 ms fires after 1 s), so each
      // call carries its own precise deadline instead; these are only a backstop.
      headersTimeout: timeoutMs + BACKSTOP_MS,
      bodyTimeout: timeoutMs + BACKSTOP_MS,
    });
  }

  /** Calls `method`; rejects with an RpcError on any failure, including a JSON-RPC error reply. */
  async call(method: string, params: readonly unknown[]): Promise<RpcResponse> {
    const id = this.#nextId++;
    const body = `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
    let text: string;
    let bytes: number;
    const deadline = new AbortController();
    const timer = setTimeout(abort, this.#timeoutMs, deadline);
    try {
      const res = await this.#pool.request({ path: this.#path, method: 'POST', headers: HEADERS, body, signal: deadline.signal });
      if (res.statusCode < 200 || res.statusCode > 299) {
        // Drain so the socket can be reused; a failure here only costs that socket.
        await res.body.dump().catch(() => undefined);
        throw httpError(res.statusCode, STATUS_CODES[res.statusCode]);
      }
      text = await res.body.text();
      // undici checks a declared content-length against the body, so it is exact when present.
      bytes = declaredLength(res.headers['content-length']) ?? Buffer.byteLength(text);
    } catch (err) {
      if (err instanceof RpcError) throw err;
      throw deadline.signal.aborted ? timeoutError(this.#timeoutMs, err) : transportError(err, this.#timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    return { result: parseResult(text, id), bytes };
  }

  /** Waits for calls in flight, then closes every socket. Calls made afterwards fail. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }
}

// A named function rather than a closure per call: setTimeout passes the controller.
function abort(controller: AbortController): void {
  controller.abort();
}

function declaredLength(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function parseResult(text: string, id: number): unknown {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    throw malformedError(text.length === 0 ? 'empty body' : `not JSON: ${JSON.stringify(oneLine(text, NOT_JSON_PREVIEW))}`);
  }
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

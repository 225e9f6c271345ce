/**
 * A JSON-RPC 2.0 client over an undici keep-alive pool. This is the hot path of every test
 * case, so a call builds its body as one string, drives undici's dispatcher directly (see
 * rpc-call.ts), parses the reply once and shares one deadline timer with every other call.
 */
import { Pool } from 'undici';

import { DeadlineQueue } from './deadline-queue.js';
import { endpointTarget, type Header, trustedCas } from './endpoint.js';
import { RpcCall, type RpcResponse } from './rpc-call.js';

export type { RpcResponse } from './rpc-call.js';

export interface JsonRpcClientOptions {
  /** Most sockets open to the endpoint at once (default 100); further calls queue. */
  connections?: number;
  /**
   * Deadline for a whole call, from the moment it is made (queueing for a free socket
   * included) until the reply is read (default 10 000 ms).
   */
  timeoutMs?: number;
  /** Sent with every request (e.g. an API key); an Authorization here wins over the URL's credentials. */
  headers?: readonly Header[];
  /** PEM certificates of private CAs, trusted for https besides Node's own. */
  ca?: readonly string[];
}

const BACKSTOP_MS = 5_000;

export class JsonRpcClient {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: string[];
  readonly #timeoutMs: number;
  readonly #deadlines = new DeadlineQueue();
  #nextId = 1;
  #closing: Promise<void> | undefined;

  constructor(url: string, options: JsonRpcClientOptions = {}) {
    const { connections = 100, timeoutMs = 10_000, headers = [], ca = [] } = options;
    // Credentials in the URL become a header here: the origin the pool connects to has none.
    const target = endpointTarget(url, headers);
    if (!Number.isSafeInteger(connections) || connections < 1) {
      throw new RangeError(`connections must be an integer >= 1, got ${connections}`);
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    this.#path = target.path;
    this.#headers = target.headers;
    this.#timeoutMs = timeoutMs;
    const trusted = trustedCas(ca);
    this.#pool = new Pool(target.origin, {
      connections,
      // https is verified against Node's CAs (and --ca-file's) by default; never switched off.
      ...(trusted === undefined ? {} : { connect: { ca: trusted } }),
      // One request per socket at a time: a slow reply must not hold up the calls behind it.
      pipelining: 1,
      connectTimeout: timeoutMs,
      // undici's own header/body timers tick every ~0.5 s (300 ms fires after 1 s), so the
      // client keeps its own precise deadlines instead; these are only a backstop.
      headersTimeout: timeoutMs + BACKSTOP_MS,
      bodyTimeout: timeoutMs + BACKSTOP_MS,
    });
  }

  /** Calls `method`; rejects with an RpcError on any failure, including a JSON-RPC error reply. */
  call(method: string, params: readonly unknown[]): Promise<RpcResponse> {
    const id = this.#nextId++;
    let body: string;
    try {
      body = `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
    } catch (err) {
      // e.g. a bigint param: a failed call like any other, not a synchronous throw.
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const call = new RpcCall(id, this.#timeoutMs, this.#deadlines);
    // A closed pool reports through the handler's onError, like any other transport failure.
    this.#pool.dispatch({ path: this.#path, method: 'POST', headers: this.#headers, body }, call);
    return call.promise;
  }

  /** Waits for calls in flight, then closes every socket. Calls made afterwards fail. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }
}

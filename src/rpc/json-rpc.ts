/**
 * A JSON-RPC 2.0 client over a keep-alive connection pool. This is the hot path of every test
 * case, so a call builds its body as one string, hands it to the transport with the call itself
 * as the handler (see rpc-call.ts), parses the reply once and shares one deadline timer with
 * every other call.
 *
 * The transport is the lean one on node:net / node:tls (net-transport.ts); undici
 * (undici-transport.ts) carries the calls where the lean one cannot serve: a proxy named in the
 * environment (undici honours it), or an endpoint that answers HTTP/1.0. Either way it is said
 * in one log line.
 */
import { DeadlineQueue } from './deadline-queue.js';
import { type EndpointTarget, endpointTarget, type Header, trustedCas } from './endpoint.js';
import { NetTransport } from './net-transport.js';
import { proxyVariable } from './proxy-env.js';
import { type BatchItem, type CallEnd, RpcCall, type RpcResponse } from './rpc-call.js';
import type { RpcTransport } from './transport.js';
import { UndiciTransport } from './undici-transport.js';

export type { BatchItem, CallEnd, RpcResponse } from './rpc-call.js';

/** One call of a batch. */
export interface BatchedCall {
  method: string;
  params: readonly unknown[];
}

/** Where the client says which transport it took, when not the lean one (a pino logger fits). */
export interface TransportLog {
  info(message: string): void;
}

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
  /** Told when the client falls back to undici; nothing else is logged. */
  log?: TransportLog;
}

/** Methods whose request text is kept (a test case module may call any number of them). */
const MAX_METHODS = 64;

export class JsonRpcClient {
  #transport: RpcTransport;
  /** A lean transport left for undici after an HTTP/1.0 reply: closed with the client. */
  #retired: RpcTransport | undefined = undefined;
  readonly #timeoutMs: number;
  readonly #deadlines = new DeadlineQueue();
  #nextId = 1;
  /** Per method, the request text between the id and the params (see #request). */
  readonly #methods = new Map<string, string>();
  #closing: Promise<void> | undefined;

  constructor(url: string, options: JsonRpcClientOptions = {}) {
    const { connections = 100, timeoutMs = 10_000, headers = [], ca = [], log } = options;
    // Credentials in the URL become a header here: the origin the sockets connect to has none.
    const target = endpointTarget(url, headers);
    if (!Number.isSafeInteger(connections) || connections < 1) {
      throw new RangeError(`connections must be an integer >= 1, got ${connections}`);
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    this.#timeoutMs = timeoutMs;
    const settings = { connections, timeoutMs, ca: trustedCas(ca) };
    const proxy = proxyVariable(target.origin, process.env);
    if (proxy !== undefined) {
      log?.info(`${proxy} is set: JSON-RPC calls go through undici, which honours it`);
      this.#transport = new UndiciTransport(target, { ...settings, proxy: true });
    } else {
      this.#transport = new NetTransport(target, { ...settings, onHttp10: () => this.#toUndici(target, settings, log) });
    }
  }

  /** Calls `method`; rejects with an RpcError on any failure, including a JSON-RPC error reply. */
  call(method: string, params: readonly unknown[]): Promise<RpcResponse> {
    return this.#call(method, params, performance.now(), undefined);
  }

  /**
   * Calls `method`, made at `startedAt` (performance.now(), the start of the caller's timing):
   * the promise is what `end` makes of the reply or of the failure as the call ends (see CallEnd).
   */
  callThen<T>(method: string, params: readonly unknown[], startedAt: number, end: CallEnd<T>): Promise<T> {
    return this.#call(method, params, startedAt, end);
  }

  #call<T>(method: string, params: readonly unknown[], startedAt: number, end: CallEnd<T> | undefined): Promise<T> {
    const id = this.#nextId++;
    let body: string;
    try {
      body = this.#request(id, method, params);
    } catch (err) {
      // e.g. a bigint param: a failed call like any other, not a synchronous throw.
      const error = err instanceof Error ? err : new Error(String(err));
      // An `end` that throws rejects, as it would at the call's end.
      return end === undefined ? Promise.reject(error) : new Promise<T>((resolve) => resolve(end.failed(error)));
    }
    const call = new RpcCall<T>(id, this.#timeoutMs, this.#deadlines, startedAt, end);
    // A closed transport reports through the handler's onError, like any other failure.
    this.#transport.send(body, call);
    return call.promise;
  }

  /**
   * Makes `calls` as one JSON-RPC batch (one request, one reply): the items, in the order of
   * `calls`, each a result or its own error. Rejects with an RpcError when the whole exchange
   * fails, or when the node answers the batch with one error (a node that takes no batches).
   * Keep batches small (a hundred calls or so): providers cap them.
   */
  batch(calls: readonly BatchedCall[]): Promise<BatchItem[]> {
    if (calls.length === 0) return Promise.resolve([]);
    const first = this.#nextId;
    this.#nextId += calls.length;
    let body: string;
    try {
      body = `[${calls.map(({ method, params }, i) => this.#request(first + i, method, params)).join(',')}]`;
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const call = new RpcCall<RpcResponse>(first, this.#timeoutMs, this.#deadlines, performance.now(), undefined, calls.length);
    this.#transport.send(body, call);
    return call.promise.then(({ result }) => result as BatchItem[]);
  }

  /** Waits for calls in flight, then closes every socket. Calls made afterwards fail. */
  close(): Promise<void> {
    this.#closing ??= Promise.all([this.#transport.close(), this.#retired?.close()]).then(() => undefined);
    return this.#closing;
  }

  /**
   * One request object, as one string (the hot path: no object is built to be stringified).
   * The text between the id and the params is kept per method: a run calls a handful of them,
   * and quoting the name again each call cost half of building the request (measured apart).
   */
  #request(id: number, method: string, params: readonly unknown[]): string {
    let middle = this.#methods.get(method);
    if (middle === undefined) {
      middle = `,"method":${JSON.stringify(method)},"params":`;
      if (this.#methods.size < MAX_METHODS) this.#methods.set(method, middle);
    }
    return `{"jsonrpc":"2.0","id":${id}${middle}${params.length === 0 ? '[]' : JSON.stringify(params)}}`;
  }

  /** The endpoint answered HTTP/1.0: undici carries the calls from now on; those in flight finish where they are. */
  #toUndici(target: EndpointTarget, settings: { connections: number; timeoutMs: number; ca: string[] | undefined }, log: TransportLog | undefined): void {
    if (this.#retired !== undefined || this.#closing !== undefined) return;
    log?.info('the JSON-RPC endpoint answers HTTP/1.0, not 1.1: calls go through undici from now on');
    this.#retired = this.#transport;
    this.#transport = new UndiciTransport(target, { ...settings, proxy: false });
    void this.#retired.close();
  }
}

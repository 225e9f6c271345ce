/**
 * The undici implementation of the transport seam: today's client before the lean transport,
 * kept for what the lean one does not do. A keep-alive Pool, driven through `dispatch` with the
 * call itself as the handler (see rpc-call.ts); with a proxy in the environment, undici's
 * EnvHttpProxyAgent, which honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY as curl does.
 */
import { createSecureContext } from 'node:tls';

import { type Dispatcher, EnvHttpProxyAgent, Pool } from 'undici';

import type { EndpointTarget } from './endpoint.js';
import type { ExchangeHandler, RpcTransport } from './transport.js';

export interface UndiciTransportOptions {
  connections: number;
  timeoutMs: number;
  /** Node's CAs plus --ca-file's, or undefined for Node's own (see trustedCas). */
  ca: string[] | undefined;
  /** Go through the proxies the environment names. */
  proxy: boolean;
}

/** undici's own header/body timers tick every ~0.5 s; the client keeps precise deadlines, these only back them up. */
const BACKSTOP_MS = 5_000;

export class UndiciTransport implements RpcTransport {
  readonly #dispatcher: Dispatcher;
  readonly #origin: string;
  readonly #path: string;
  readonly #headers: string[];
  #closing: Promise<void> | undefined;

  constructor(target: EndpointTarget, options: UndiciTransportOptions) {
    const { connections, timeoutMs, ca, proxy } = options;
    const pool = {
      connections,
      // One request per socket at a time: a slow reply must not hold up the calls behind it.
      pipelining: 1,
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs + BACKSTOP_MS,
      bodyTimeout: timeoutMs + BACKSTOP_MS,
    };
    // https is verified against Node's CAs (and --ca-file's) by default; never switched off.
    // One context for every socket, as in the lean transport: given `ca`, each connect would
    // parse Node's root certificates again. Through a proxy's tunnel the endpoint's TLS is
    // `requestTls`; direct, it is `connect`.
    const secureContext = ca === undefined ? undefined : createSecureContext({ ca });
    const tls = secureContext === undefined ? {} : { connect: { secureContext }, ...(proxy ? { requestTls: { secureContext } } : {}) };
    this.#dispatcher = proxy ? new EnvHttpProxyAgent({ ...pool, ...tls }) : new Pool(target.origin, { ...pool, ...tls });
    this.#origin = target.origin;
    this.#path = target.path;
    this.#headers = target.headers;
  }

  send(body: string, handler: ExchangeHandler): void {
    // A closed dispatcher reports through the handler's onError, like any other failure.
    this.#dispatcher.dispatch({ origin: this.#origin, path: this.#path, method: 'POST', headers: this.#headers, body }, handler);
  }

  close(): Promise<void> {
    this.#closing ??= this.#dispatcher.close();
    return this.#closing;
  }
}

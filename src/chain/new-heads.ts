/**
 * New chain heads as the node announces them: `<ns>_subscribe("newHeads")` over a WebSocket
 * endpoint (--ws-endpoint). The block follower still reads each height over HTTP; the push
 * only says when, so a block is seen the moment the node has it instead of up to a poll
 * interval later. A lost socket is opened again every `retryMs` (one log line per outage),
 * and the follower polls meanwhile. A node that refuses the subscription is not asked again.
 *
 * undici's WebSocket, not a hand-written client: Node 20 has no global one, and undici (a
 * dependency already) is kept by Node's own team.
 */
import type { Logger } from 'pino';
import { Agent, WebSocket } from 'undici';

import { basicAuthorization, type EndpointAccess, redactEndpoint, trustedCas } from '../rpc/endpoint.js';
import { errorMessage } from '../util/errors.js';
import { parseSmallQuantity } from './quantity.js';

export interface NewHeadsOptions {
  /** ws:// or wss://, possibly with credentials (sent as Basic auth, never shown). */
  url: string;
  /** --header and --ca-file, as for the HTTP endpoint (none for the dev chain). */
  access: Partial<EndpointAccess>;
  /** The namespace of the subscription: eth, kaia or klay. */
  namespace: string;
  log: Logger;
  onHead(height: number): void;
  /** Wait before opening a lost socket again (default 1 s). */
  retryMs?: number;
}

const SUBSCRIBE_ID = 1;

export class NewHeads {
  readonly #o: NewHeadsOptions;
  readonly #shown: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #dispatcher: Agent | undefined;
  #socket: WebSocket | null = null;
  #retry: NodeJS.Timeout | undefined;
  #live = false;
  #everLive = false;
  #failing = false;
  #closed = false;

  constructor(options: NewHeadsOptions) {
    this.#o = options;
    this.#shown = redactEndpoint(options.url);
    const parsed = new URL(options.url);
    const headers: Record<string, string> = {};
    const basic = basicAuthorization(parsed);
    if (basic !== undefined) headers.authorization = basic;
    // A --header of the same name (an Authorization of its own) wins, as for the HTTP endpoint.
    for (const h of options.access.headers ?? []) headers[h.name] = h.value;
    parsed.username = '';
    parsed.password = '';
    this.#url = parsed.href;
    this.#headers = headers;
    const ca = trustedCas(options.access.ca ?? []);
    this.#dispatcher = ca === undefined ? undefined : new Agent({ connect: { ca } });
  }

  /** True while the subscription delivers heads. */
  get live(): boolean {
    return this.#live;
  }

  /** Opens the socket in the background; heads arrive through onHead once subscribed. */
  start(): void {
    if (this.#socket !== null || this.#closed) return;
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#live = false;
    clearTimeout(this.#retry);
    this.#socket?.close();
    this.#socket = null;
    await this.#dispatcher?.close();
  }

  #open(): void {
    const { namespace } = this.#o;
    const socket = new WebSocket(this.#url, { headers: this.#headers, ...(this.#dispatcher === undefined ? {} : { dispatcher: this.#dispatcher }) });
    this.#socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: SUBSCRIBE_ID, method: `${namespace}_subscribe`, params: ['newHeads'] }));
    };
    socket.onmessage = (event) => {
      if (socket !== this.#socket) return;
      try {
        this.#message(String(event.data));
      } catch (err) {
        this.#lost(errorMessage(err));
      }
    };
    // undici reports a failed handshake or a reset as an error event followed by close.
    socket.onerror = (event) => {
      if (socket === this.#socket) this.#lost(event.message === '' ? 'connection failed' : event.message);
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#lost(`closed (code ${event.code})`);
    };
  }

  #message(text: string): void {
    const message = JSON.parse(text) as { id?: unknown; result?: unknown; error?: { message?: unknown }; params?: { result?: { number?: unknown } } };
    if (message.id === SUBSCRIBE_ID) {
      if (message.error !== undefined) {
        // Not a passing fault: the node does not offer the subscription. Stop asking.
        this.#o.log.warn(
          { wsEndpoint: this.#shown, err: String(message.error.message) },
          'the node refused newHeads subscriptions; polling the chain head instead',
        );
        this.#closed = true;
        this.#socket?.close();
        this.#socket = null;
        return;
      }
      this.#live = true;
      if (!this.#everLive) this.#o.log.info({ wsEndpoint: this.#shown }, 'following new blocks as the node announces them (newHeads)');
      else if (this.#failing) this.#o.log.info({ wsEndpoint: this.#shown }, 'newHeads subscription back');
      this.#everLive = true;
      this.#failing = false;
      return;
    }
    const head = message.params?.result?.number;
    if (head !== undefined) this.#o.onHead(parseSmallQuantity(head, 'newHeads block number'));
  }

  #lost(reason: string): void {
    if (this.#closed) return;
    this.#live = false;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close();
    // Once per outage, not once per retry.
    if (!this.#failing) this.#o.log.warn({ wsEndpoint: this.#shown, err: reason }, 'newHeads subscription lost; polling the chain head and retrying');
    this.#failing = true;
    this.#retry = setTimeout(() => {
      if (!this.#closed) this.#open();
    }, this.#o.retryMs ?? 1_000);
  }
}

/**
 * The seam under JsonRpcClient: a transport carries one JSON-RPC body to the endpoint and
 * reports the HTTP exchange to a handler, as undici's dispatcher reports to its handlers. Two
 * implement it: the lean one on node:net / node:tls (net-transport.ts), the default, and undici
 * (undici-transport.ts) where the lean one cannot serve (a proxy in the environment, an
 * endpoint that is not HTTP/1.1). The handler's methods carry undici's legacy names, so an
 * RpcCall is handed to undici as it is, with no adapter object per call.
 */

/** How one exchange goes; every method is called from the transport, in this order. */
export interface ExchangeHandler {
  /**
   * The request is about to be written. `abort` ends the exchange (the socket is not reused)
   * and may be called at once, when the call has already failed: then nothing is written.
   */
  onConnect(abort: (err?: Error) => void): void;
  /** The final (not 1xx) response status. */
  onHeaders(statusCode: number): boolean;
  /**
   * A piece of the decoded body (chunked framing removed). The handler may keep it until the
   * exchange ends (onComplete or onError), not after: the lean transport reads every socket
   * into one reused buffer (http-response-parser.ts says which pieces are copies).
   */
  onData(chunk: Buffer): boolean;
  /** The whole response was read. */
  onComplete(): void;
  /** The exchange failed: called once, and instead of onComplete. */
  onError(err: Error): void;
}

export interface RpcTransport {
  /** Sends `body` (a JSON-RPC request) as a POST; the outcome goes to `handler`. Never throws. */
  send(body: string, handler: ExchangeHandler): void;
  /** Waits for exchanges in flight, then closes every socket; later sends fail. */
  close(): Promise<void>;
}

/**
 * A JSON-RPC server on 127.0.0.1 that stands where users' real endpoints do: behind https
 * (a certificate the test made, see test-ca.ts) and/or an access check (an API key header,
 * Basic auth) that answers 401 to anyone without it. It answers eth_chainId and
 * eth_blockNumber, which is all a blockNumber run and the start-up probe ask.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface GuardedRpcServer {
  url: string;
  port: number;
  /** Requests answered with a result (not refused). */
  answered: number;
  /** Requests refused with 401. */
  refused: number;
  close(): Promise<void>;
}

export interface GuardOptions {
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Whether a request's headers may pass; refused with 401 otherwise. Default: all pass. */
  allow?: (headers: IncomingHttpHeaders) => boolean;
}

export async function startGuardedRpcServer(options: GuardOptions = {}): Promise<GuardedRpcServer> {
  const state = { answered: 0, refused: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (options.allow !== undefined && !options.allow(req.headers)) {
        state.refused++;
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="rpc"' });
        res.end('unauthorized');
        return;
      }
      const { id, method } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: unknown; method: string };
      state.answered++;
      const result = method === 'eth_chainId' ? '0x539' : '0x10';
      const body = JSON.stringify({ jsonrpc: '2.0', id, result });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };
  const server = options.tls === undefined ? createHttpServer(handle) : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/`,
    port,
    get answered() {
      return state.answered;
    },
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

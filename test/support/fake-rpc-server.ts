/**
 * A tiny scripted JSON-RPC server on 127.0.0.1 for client tests: each request is handed to
 * the test's handler, which decides how to misbehave.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcRequest {
  jsonrpc: unknown;
  id: unknown;
  method: string;
  params: unknown;
}

export type Handler = (req: RpcRequest, res: ServerResponse) => void;

export interface FakeRpcServer {
  url: string;
  /** Every request body received, parsed, in order. */
  requests: RpcRequest[];
  close(): Promise<void>;
}

export async function startFakeRpcServer(handler: Handler): Promise<FakeRpcServer> {
  const requests: RpcRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcRequest;
      requests.push(parsed);
      handler(parsed, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `body` as a complete JSON reply with a content-length. */
export function replyJson(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

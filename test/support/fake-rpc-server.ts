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
  /** Every call received, parsed, in order (a batch's calls one by one). */
  requests: RpcRequest[];
  /** The batches received, each as its calls. */
  batches: RpcRequest[][];
  close(): Promise<void>;
}

export interface FakeRpcOptions {
  /**
   * How a batch is answered: call by call (the default); with one error object, as by a node
   * that takes none; or with an error for each call, as by a provider over its batch limit.
   */
  batches?: 'answered' | 'refused' | 'each refused';
}

export async function startFakeRpcServer(handler: Handler, options: FakeRpcOptions = {}): Promise<FakeRpcServer> {
  const requests: RpcRequest[] = [];
  const batches: RpcRequest[][] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcRequest | RpcRequest[];
      if (!Array.isArray(parsed)) {
        requests.push(parsed);
        handler(parsed, res);
        return;
      }
      batches.push(parsed);
      if (options.batches === 'refused') {
        replyJson(res, '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch requests are not supported"}}');
        return;
      }
      if (options.batches === 'each refused') {
        replyJson(res, JSON.stringify(parsed.map(({ id }) => ({ jsonrpc: '2.0', id, error: { code: -32005, message: 'batch size too large' } }))));
        return;
      }
      // A batch, as real nodes answer one: each call goes to the handler, and the replies it
      // writes are sent back together in one array, in the order they were written (the
      // order of a batch's replies is free); an empty reply is left out.
      const replies: string[] = [];
      let open = parsed.length;
      for (const one of parsed) {
        requests.push(one);
        handler(
          one,
          batchedReply(res, (body) => {
            if (body !== '') replies.push(body);
            if (--open === 0) replyJson(res, `[${replies.join(',')}]`);
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    batches,
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

/**
 * What a handler writes for one call of a batch: its body is collected (status and headers
 * are the batch's); anything else (a destroyed socket) acts on the batch's real response.
 */
function batchedReply(res: ServerResponse, done: (body: string) => void): ServerResponse {
  const parts: Buffer[] = [];
  const collect = (chunk: unknown) => {
    if (chunk !== undefined && chunk !== null) parts.push(Buffer.from(chunk as string));
  };
  const write = (chunk: unknown): boolean => {
    collect(chunk);
    return true;
  };
  const end = (chunk?: unknown): void => {
    collect(typeof chunk === 'function' ? undefined : chunk);
    done(Buffer.concat(parts).toString('utf8'));
  };
  return new Proxy(res, {
    get(target, key) {
      if (key === 'writeHead' || key === 'setHeader') return () => undefined;
      if (key === 'write') return write;
      if (key === 'end') return end;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

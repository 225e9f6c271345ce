/**
 * An HTTP/1.1 server on node:net for transport tests, where every byte of a reply is the
 * test's: it reads requests (head and Content-Length body) off each connection in turn and
 * hands each to the script with its socket, to answer however it likes (chunked, in odd
 * splits, several responses at once, garbage, not at all). It counts connections and the
 * sockets still open, so a test can check that the client left none behind.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface RawRequest {
  /** The request line, e.g. `POST /rpc HTTP/1.1`. */
  line: string;
  /** Header names lower-cased; the last value of a repeated header. */
  headers: Record<string, string>;
  body: string;
  /** The JSON-RPC id of the body (null when it has none). */
  id: unknown;
  method: string;
  /** Which connection (0, 1, …) and which request on it (0, 1, …). */
  connection: number;
  index: number;
}

export type RawScript = (req: RawRequest, socket: Socket) => void;

export interface RawHttpServer {
  url: string;
  /** Every request read, in order. */
  requests: RawRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Sockets not closed yet. */
  readonly open: number;
  close(): Promise<void>;
}

const HEAD_END = '\r\n\r\n';

export async function startRawHttpServer(script: RawScript): Promise<RawHttpServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    const connection = connections++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let index = 0;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf(HEAD_END);
        if (end < 0) return;
        const lines = pending.toString('latin1', 0, end).split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const colon = l.indexOf(':');
          headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (pending.length < end + 4 + length) return;
        const body = pending.toString('utf8', end + 4, end + 4 + length);
        pending = pending.subarray(end + 4 + length);
        const parsed = JSON.parse(body) as { id?: unknown; method?: string };
        const req = { line: lines[0]!, headers, body, id: parsed.id ?? null, method: parsed.method ?? '', connection, index: index++ };
        requests.push(req);
        script(req, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A complete HTTP/1.1 200 reply with a Content-Length, as bytes. */
export function okReply(body: string, extraHeaders = ''): Buffer {
  return Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${extraHeaders}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** The JSON-RPC result reply to `req`. */
export function resultBody(req: RawRequest, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id: req.id, result });
}

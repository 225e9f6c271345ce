/**
 * A misbehaving node for fault tests: an HTTP proxy on 127.0.0.1 in front of a real node whose
 * behaviour the test switches at run time.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode =
  | 'pass' // forward to the real node
  | 'down' // not listening at all (connection refused)
  | 'slow' // answer after `slowMs` (beyond the worker's --rpc-timeout)
  | 'http500'
  | 'rpc-error' // a JSON-RPC error object
  | 'malformed' // a 200 whose body is not JSON
  | 'reset'; // the connection is destroyed mid-request

export class FaultyProxy {
  mode: FaultMode = 'pass';
  slowMs = 3_000;
  /** Requests seen per mode, so a test knows each fault was really exercised. */
  readonly seen = new Map<FaultMode, number>();
  #server: Server | null = null;
  #sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  static async start(targetUrl: string, port = 0): Promise<FaultyProxy> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(port, '127.0.0.1', resolve));
    const bound = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new FaultyProxy(bound, new URL(targetUrl));
    await proxy.#listen();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** 'down' closes the listening socket and every open connection; other modes reopen it. */
  async setMode(mode: FaultMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') await this.#close();
    else if (!this.#server) await this.#listen();
  }

  async close(): Promise<void> {
    await this.#close();
  }

  async #listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const mode = this.mode;
        this.seen.set(mode, (this.seen.get(mode) ?? 0) + 1);
        const id = (() => {
          try {
            return (JSON.parse(body.toString('utf8')) as { id: unknown }).id;
          } catch {
            return null;
          }
        })();
        switch (mode) {
          case 'http500':
            res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
            return;
          case 'rpc-error':
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32005, message: 'limit exceeded' } }));
            return;
          case 'malformed':
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":');
            return;
          case 'reset':
            req.socket.destroy();
            return;
          case 'slow':
            setTimeout(() => this.#forward(body, res), this.slowMs).unref();
            return;
          default:
            this.#forward(body, res);
        }
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.#server = server;
  }

  #forward(body: Buffer, res: import('node:http').ServerResponse): void {
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        path: this.target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { 'content-type': 'application/json' });
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

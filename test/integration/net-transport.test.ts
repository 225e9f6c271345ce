/**
 * The lean transport as an HTTP/1.1 client, against a node:net server whose every byte is
 * scripted: chunked bodies, replies in odd splits and several in one packet, Connection: close,
 * bodies read until close, idle sockets the server dropped (a request crossing the server's FIN
 * is sent once more, on a fresh socket, and only then), resets, a node that stops mid-body,
 * non-2xx statuses, and a seeded fuzz of broken replies: each call ends in a result or a
 * one-line RpcError by its deadline, nothing crashes, and no socket is left open. Then the
 * fallbacks to undici: a proxy in the environment, an HTTP/1.0 server.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { RpcError } from '../../src/rpc/rpc-error.js';
import { startGuardedRpcServer } from '../support/guarded-rpc-server.js';
import { prng } from '../support/prng.js';
import { okReply, type RawHttpServer, type RawRequest, resultBody, startRawHttpServer } from '../support/raw-http-server.js';
import { rpcFailure } from '../support/rpc-failure.js';
import { makeTestCa } from '../support/test-ca.js';

/** The deadline of the cases about deadlines (a stalled reply); the others get PATIENT_MS. */
const TIMEOUT_MS = 400;
/**
 * For calls whose deadline is not the point: on a busy machine (CI beside CPU hogs) a retried
 * call, or one queued behind others, once outran 400 ms and failed as a timeout instead.
 */
const PATIENT_MS = 10_000;

/** Writes `bytes` in the given piece sizes, one event-loop turn apart, so they arrive as separate packets. */
function writeInPieces(socket: Socket, bytes: Buffer, sizes: readonly number[]): void {
  let at = 0;
  let i = 0;
  const next = (): void => {
    if (at >= bytes.length || socket.destroyed) return;
    const size = sizes[i++ % sizes.length]!;
    socket.write(bytes.subarray(at, at + size));
    at += size;
    setTimeout(next, 1);
  };
  next();
}

function chunked(req: RawRequest, pieces: number): Buffer {
  const body = resultBody(req, `chunked ${String(req.id)}`);
  const size = Math.ceil(body.length / pieces);
  let out = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n';
  for (let at = 0; at < body.length; at += size) {
    const part = body.slice(at, at + size);
    // Upper-case hex and a chunk extension: both are the server's right.
    out += `${Buffer.byteLength(part).toString(16).toUpperCase()};ext=1\r\n${part}\r\n`;
  }
  return Buffer.from(`${out}0\r\nx-trailer: yes\r\n\r\n`);
}

function script(req: RawRequest, socket: Socket): void {
  const ok = okReply(resultBody(req, req.method));
  switch (req.method) {
    case 'plain':
      socket.write(ok);
      return;
    case 'chunkedOddSplits':
      writeInPieces(socket, chunked(req, 4), [1, 7, 2, 13, 3]);
      return;
    case 'interimThenFinal':
      // Several responses in one packet: 1xx interim ones before the final.
      socket.write(Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n'), ok]));
      return;
    case 'twoAtOnce':
      // A reply nobody asked for after this one: the socket cannot be trusted again.
      socket.write(Buffer.concat([ok, okReply(resultBody(req, 'unasked'))]));
      return;
    case 'connectionClose':
      socket.write(okReply(resultBody(req, req.method), 'connection: close\r\n'));
      socket.end();
      return;
    case 'untilClose':
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n${resultBody(req, req.method)}`);
      return;
    case 'dropIdleAfter':
      // Answers, then drops the idle socket without a word (as servers do after their keep-alive timeout).
      socket.write(ok);
      setTimeout(() => socket.destroy(), 30);
      return;
    case 'staleOnReuse':
      // On a reused socket: closed as if it had timed out just before the request arrived.
      if (req.index > 0) socket.destroy();
      else socket.write(ok);
      return;
    case 'dropAlways':
      socket.destroy();
      return;
    case 'partialThenClose':
      socket.write(ok.subarray(0, ok.length - 5));
      socket.destroy();
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'stallMidBody':
      socket.write(ok.subarray(0, ok.length - 5));
      return;
    case 'slowSplits':
      writeInPieces(socket, ok, [5]);
      return;
    case 'unauthorized':
      socket.write('HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Basic\r\ncontent-length: 12\r\n\r\nunauthorized');
      return;
    case 'objectResult':
      socket.write(okReply(resultBody(req, objectResult(req.method))));
      return;
    case 'objectResultChunked': {
      const body = resultBody(req, objectResult(req.method));
      const half = Math.floor(body.length / 2);
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n` +
          `${half.toString(16)}\r\n${body.slice(0, half)}\r\n${(body.length - half).toString(16)}\r\n${body.slice(half)}\r\n0\r\n\r\n`,
      );
      return;
    }
    case 'serverError':
      socket.write('HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n4\r\nbusy\r\n0\r\n\r\n');
      return;
    default:
      socket.write('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  }
}

/** A result that is an object (a weak reference can follow it), like a block's. */
function objectResult(method: string): { method: string; hashes: string[] } {
  return { method, hashes: ['0x' + 'ab'.repeat(32), '0x' + 'cd'.repeat(32)] };
}

/** Calls `method` and keeps only a weak reference to its result (no frame of the caller holds it). */
async function weakResult(client: JsonRpcClient, method: string): Promise<WeakRef<object>> {
  const { result } = await client.call(method, []);
  expect(result).toEqual(objectResult(method));
  return new WeakRef(result as object);
}

/** Sockets of this process (TCP and TLS) as Node counts them. */
function socketHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSSocketWrap').length;
}

async function settle(check: () => boolean, ms = 2_000): Promise<void> {
  const until = performance.now() + ms;
  while (!check() && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
}

describe('the lean transport against a scripted HTTP/1.1 server', () => {
  let server: RawHttpServer;
  let client: JsonRpcClient;
  beforeAll(async () => {
    server = await startRawHttpServer(script);
    client = new JsonRpcClient(`${server.url}rpc?x=1`, { connections: 4, timeoutMs: PATIENT_MS, headers: [{ name: 'x-api-key', value: 'k' }] });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('writes a well-formed HTTP/1.1 POST: request line, Host, Content-Type, the headers given, an exact Content-Length', async () => {
    const { result } = await client.call('plain', ['ünï']);
    expect(result).toBe('plain');
    const req = server.requests.at(-1)!;
    expect(req.line).toBe('POST /rpc?x=1 HTTP/1.1');
    expect(req.headers).toMatchObject({ host: server.url.slice('http://'.length, -1), 'content-type': 'application/json', 'x-api-key': 'k' });
    expect(Number(req.headers['content-length'])).toBe(Buffer.byteLength(req.body));
    expect(JSON.parse(req.body)).toEqual({ jsonrpc: '2.0', id: req.id, method: 'plain', params: ['ünï'] });
  });

  it('reads chunked bodies in odd splits, slow splits, and 1xx responses in the packet of the final one', async () => {
    // Replies in some 40 pieces a timer turn apart: on a busy machine that outlasts the shared
    // client's 400 ms timeout (seen once in CI beside CPU hogs); this case is about parsing.
    const patient = new JsonRpcClient(`${server.url}rpc`, { connections: 1, timeoutMs: 10_000 });
    try {
      const chunkedReply = await patient.call('chunkedOddSplits', []);
      expect(chunkedReply.result).toMatch(/^chunked \d+$/);
      expect(chunkedReply.bytes).toBe(resultBody(server.requests.at(-1)!, chunkedReply.result).length);
      expect((await patient.call('slowSplits', [])).result).toBe('slowSplits');
      expect((await patient.call('interimThenFinal', [])).result).toBe('interimThenFinal');
    } finally {
      await patient.close();
    }
  });

  it('keeps nothing of an answered call: an idle keep-alive socket does not hold its last reply', async () => {
    // The socket's parser held its last call, and so the call's result, until the socket's next
    // request: between the inclusion tracker's head polls, a whole block's hash strings, which
    // young-generation collections copied. Weak references tell whether anything kept them.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const single = new JsonRpcClient(server.url, { connections: 1, timeoutMs: PATIENT_MS });
    try {
      const before = server.connections;
      const refs = [await weakResult(single, 'objectResult'), await weakResult(single, 'objectResultChunked')];
      // One keep-alive socket served both, and is still open, idle.
      expect(server.connections).toBe(before + 1);
      expect(server.open).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined]);
    } finally {
      await single.close();
    }
  });

  it('reuses a keep-alive socket, and opens a fresh one after Connection: close, a body read until close, or a reply nobody asked for', async () => {
    await client.call('plain', []);
    let before = server.connections;
    for (let i = 0; i < 5; i++) await client.call('plain', []);
    expect(server.connections).toBe(before);

    for (const method of ['connectionClose', 'untilClose', 'twoAtOnce']) {
      before = server.connections;
      expect((await client.call(method, [])).result).toBe(method);
      // The next call cannot use that socket: it must not read 'unasked' as its reply.
      expect((await client.call('plain', [])).result).toBe('plain');
      expect(server.connections, method).toBe(before + 1);
    }
  });

  it('a socket the server dropped while idle is replaced; a request that met a stale socket is sent once more on a fresh one, and only once', async () => {
    const single = new JsonRpcClient(server.url, { connections: 1, timeoutMs: PATIENT_MS });
    try {
      await single.call('dropIdleAfter', []);
      await new Promise((r) => setTimeout(r, 100));
      expect((await single.call('plain', [])).result).toBe('plain');

      const seen = server.requests.length;
      expect((await single.call('staleOnReuse', [])).result).toBe('staleOnReuse');
      const sent = server.requests.slice(seen);
      // First on the reused socket (dropped unanswered), then on a fresh socket: two sends, one result.
      expect(sent.map((r) => r.index)).toEqual([1, 0]);
      expect(sent[0]!.id).toBe(sent[1]!.id);

      // Once only: dropped again on the fresh socket, the call fails.
      const againSeen = server.requests.length;
      const err = await rpcFailure(single.call('dropAlways', []));
      expect(err.message).toBe('connection closed by the server (UND_ERR_SOCKET)');
      expect(server.requests.slice(againSeen).map((r) => r.index)).toEqual([1, 0]);
    } finally {
      await single.close();
    }
    // On a fresh socket, a close without a reply is a failure, not a retry.
    const fresh = new JsonRpcClient(server.url, { connections: 1, timeoutMs: PATIENT_MS });
    try {
      const seen = server.requests.length;
      expect((await rpcFailure(fresh.call('dropAlways', []))).message).toBe('connection closed by the server (UND_ERR_SOCKET)');
      expect(server.requests.length - seen).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('a reply cut short, a reset, a node that stops mid-body and non-2xx statuses are one-line failures, and the client goes on', async () => {
    const cases: [string, RpcError['kind'], string][] = [
      ['partialThenClose', 'network', 'connection closed by the server (UND_ERR_SOCKET)'],
      ['reset', 'network', 'connection reset by peer (ECONNRESET)'],
      ['stallMidBody', 'timeout', `timeout after ${TIMEOUT_MS} ms`],
      ['unauthorized', 'auth', 'the endpoint refused the credentials (HTTP 401)'],
      ['serverError', 'http', 'HTTP 503 Service Unavailable'],
      ['noSuchThing', 'http', 'HTTP 404 Not Found'],
    ];
    const quick = new JsonRpcClient(`${server.url}rpc`, { connections: 4, timeoutMs: TIMEOUT_MS });
    try {
      for (const [method, kind, message] of cases) {
        const on = kind === 'timeout' ? quick : client;
        await on.call('plain', []);
        const seen = server.requests.length;
        const err = await rpcFailure(on.call(method, []));
        expect([method, err.kind, err.message]).toEqual([method, kind, message]);
        // Only the reset leaves nothing of a reply; on this reused socket it was sent once more (and reset again).
        expect(server.requests.length - seen, method).toBe(method === 'reset' ? 2 : 1);
        expect((await on.call('plain', [])).result).toBe('plain');
      }
    } finally {
      await quick.close();
    }
  });

  it('idle sockets do not keep the process alive; sockets in use do', async () => {
    const own = new JsonRpcClient(server.url, { connections: 2, timeoutMs: TIMEOUT_MS });
    try {
      await own.call('plain', []);
      const idle = socketHandles();
      const busy = own.call('stallMidBody', []).catch(() => undefined);
      await settle(() => socketHandles() > idle);
      // The client's busy socket, and the server's end of it (its own sockets are always counted).
      expect(socketHandles()).toBeGreaterThan(idle);
      await busy;
      await settle(() => socketHandles() <= idle);
      expect(socketHandles()).toBeLessThanOrEqual(idle);
    } finally {
      await own.close();
    }
  });

  it('a slow reply holds up no call behind it', async () => {
    // Its own client: the stalled call must time out, and the others must not while they wait.
    const own = new JsonRpcClient(`${server.url}rpc`, { connections: 4, timeoutMs: 2_000 });
    try {
      const slow = rpcFailure(own.call('stallMidBody', [])).then((failure) => ({ failure, at: performance.now() }));
      await Promise.all(Array.from({ length: 10 }, () => own.call('plain', [])));
      const othersDoneAt = performance.now();
      const { failure, at: slowFailedAt } = await slow;
      expect(failure.kind).toBe('timeout');
      // Ordered by events, not by a time bound (one of 200 ms failed beside CPU hogs at 201 ms):
      // a call queued behind the stalled socket would get it only when the slow call times out.
      expect(othersDoneAt).toBeLessThan(slowFailedAt);
    } finally {
      await own.close();
    }
  });
});

type FuzzKind = 'valid' | 'status' | 'header' | 'body' | 'framing';
const FUZZ_KINDS: readonly FuzzKind[] = ['status', 'header', 'body', 'framing'];

/** A seeded fuzz of replies: a valid one, broken in one place (status line, a header, the body, the framing) unless `valid`. */
function fuzzedReply(rand: () => number, req: RawRequest, valid: boolean): { bytes: Buffer; end: boolean; kind: FuzzKind } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const body = resultBody(req, 'fuzz');
  let status = 'HTTP/1.1 200 OK';
  let headers = [`content-type: application/json`, `content-length: ${Buffer.byteLength(body)}`];
  let payload = body;
  const kind: FuzzKind = valid ? 'valid' : FUZZ_KINDS[Math.floor(rand() * FUZZ_KINDS.length)]!;
  switch (kind) {
    case 'valid':
      break;
    case 'status':
      status = pick([
        'HTTP/1.1 2x0 OK',
        'HTTP/2 200',
        'HTTP/1.1 200OK',
        'ICY 200 OK',
        'HTTP/1.1  200 OK',
        'http/1.1 200 OK',
        'HTTP/1.1 099 Low',
        'HTTP/1.1 200 O\x01K',
        '',
      ]);
      break;
    case 'header':
      headers = pick([
        [...headers, 'content-length: 3'],
        [...headers, 'transfer-encoding: chunked'],
        ['content-length: -1'],
        ['content-length: 0x10'],
        ['content-length: 99999999999999999999'],
        [...headers, 'bad header'],
        [...headers, 'na me: x'],
        [...headers, `x-big: ${'a'.repeat(20_000)}`],
        [...headers, 'x-ctl: a\x00b'],
        [...headers, 'x-lf: a\nb'],
        [...headers, ' folded'],
      ]);
      break;
    case 'body':
      payload = pick(['', '{', 'null', '[]', '"str"', '{"jsonrpc":"2.0","id":"x","result":1}', body.slice(0, 10), `${body}garbage`, '\u0000\u00ff']);
      headers = [`content-length: ${Buffer.byteLength(payload)}`];
      break;
    case 'framing': {
      headers = ['transfer-encoding: chunked'];
      payload = pick([
        `zz\r\n${body}\r\n0\r\n\r\n`,
        `${(body.length + 5).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        `${body.length.toString(16)}\r\n${body}0\r\n\r\n`,
        `${body.length.toString(16)}\n${body}\n0\n\n`,
        `fffffffffffffff\r\n${body}`,
        `${body.length.toString(16)}\r\n${body}\r\n0\r\nbad\x01trailer\r\n\r\n`,
      ]);
    }
  }
  // A random split of the text: some replies end with the connection, some leave it open.
  return { bytes: Buffer.from(`${status}\r\n${headers.join('\r\n')}\r\n\r\n${payload}`, 'latin1'), end: rand() < 0.5, kind };
}

describe('a seeded fuzz of broken replies', () => {
  // FUZZ_SEED=n replays another seed.
  const SEED = Number(process.env.FUZZ_SEED ?? 20_261_212);
  const CALLS = 120;
  // Long enough that, on a busy machine, the calls reach the server before their deadline (at
  // 400 ms even the first ones, sent at once, once did not: no broken status line was served);
  // the stalled replies still end at it.
  const FUZZ_TIMEOUT_MS = 1_500;

  it(`seed ${SEED}: every call ends by its deadline in a result or a one-line RpcError; no crash, no socket left open`, async () => {
    const handlesBefore = socketHandles();
    // Each call's reply is drawn from a generator seeded with the seed and the call's own id, not
    // from one shared in arrival order: the same call gets the same reply whatever the timing.
    const idOf = (req: RawRequest): number => (JSON.parse(req.body) as { params: number[] }).params[0]!;
    // Every fifth call gets a valid reply: it must get its own result, whatever broke on the sockets around it.
    const served = new Map<number, FuzzKind>();
    const server = await startRawHttpServer((req, socket) => {
      const id = idOf(req);
      const rand = prng(SEED + id * 0x9e3779b9);
      const { bytes, end, kind } = fuzzedReply(rand, req, id % 5 === 0);
      served.set(id, kind);
      const cut = Math.floor(rand() * bytes.length);
      socket.write(bytes.subarray(0, cut));
      socket.write(bytes.subarray(cut));
      if (end) socket.end();
    });
    const client = new JsonRpcClient(server.url, { connections: 8, timeoutMs: FUZZ_TIMEOUT_MS });
    try {
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: CALLS }, (_, i) =>
          client.call('fuzz', [i]).then(
            ({ result }) => result,
            (e: unknown) => e,
          ),
        ),
      );
      // Every call ended, and none later than its deadline (the calls queue for 8 sockets, so allow a few deadlines).
      expect(performance.now() - started).toBeLessThan(FUZZ_TIMEOUT_MS * 8);
      const timeout = `timeout after ${FUZZ_TIMEOUT_MS} ms`;
      // What each call may end in, by what it was served: a broken reply fails as what broke (or,
      // when it stalls a socket, at its deadline), and one never served timed out while it queued.
      const allowed: Record<FuzzKind | 'not served', readonly string[]> = {
        valid: [],
        status: ['invalid HTTP response: ', 'connection closed by the server', timeout],
        header: ['invalid HTTP response: ', 'connection closed by the server', timeout],
        framing: ['invalid HTTP response: ', 'connection closed by the server', timeout],
        body: ['malformed JSON-RPC response: ', 'connection closed by the server', timeout],
        'not served': ['connection closed by the server', timeout],
      };
      const failedAs = new Map<FuzzKind, string[]>();
      for (const [i, outcome] of outcomes.entries()) {
        const kind = served.get(i);
        if (i % 5 === 0) {
          // Its own reply, or its deadline passed while it queued behind stalled sockets; never another's reply.
          if (outcome !== 'fuzz') expect((outcome as RpcError).message).toBe(timeout);
          continue;
        }
        expect(outcome).toBeInstanceOf(RpcError);
        const { message } = outcome as RpcError;
        expect(message).not.toMatch(/[\r\n]/);
        expect([i, kind, allowed[kind ?? 'not served'].some((start) => message.startsWith(start))]).toEqual([i, kind, true]);
        if (kind !== undefined) failedAs.set(kind, [...(failedAs.get(kind) ?? []), message]);
      }
      expect(outcomes.filter((o) => o === 'fuzz').length).toBeGreaterThan(0);
      // The broken replies fail as such, not only by timing out (the first calls are sent at once, so
      // these hold on a busy machine too).
      expect(failedAs.get('body')?.some((m) => m.startsWith('malformed JSON-RPC response: '))).toBe(true);
      expect(failedAs.get('status')?.some((m) => m.startsWith('invalid HTTP response: '))).toBe(true);
    } finally {
      await client.close();
    }
    await settle(() => server.open === 0);
    expect(server.open).toBe(0);
    await server.close();
    await settle(() => socketHandles() <= handlesBefore);
    expect(socketHandles()).toBeLessThanOrEqual(handlesBefore);
  });
});

describe('where the lean transport does not serve, undici does, said in one log line', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) {
      if (saved[name] === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = saved[name];
    }
  });

  it.each(['http', 'https'] as const)(
    '%s endpoint with a proxy variable set: calls go through the proxy (undici honours it), a private CA still trusted; the log names the variable, never its value',
    async (scheme) => {
      const ca = scheme === 'https' ? makeTestCa() : undefined;
      const node = await startGuardedRpcServer(ca === undefined ? {} : { tls: ca.leaf('IP:127.0.0.1') });
      const tunnels: string[] = [];
      const proxy: Server = createHttpServer();
      proxy.on('connect', (req, client: Socket, head: Buffer) => {
        tunnels.push(req.url ?? '');
        const [host, port] = (req.url ?? '').split(':');
        const upstream = netConnect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client).pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const { port } = proxy.address() as { port: number };
      const variable = scheme === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
      process.env[variable] = `http://user:proxy-secret@127.0.0.1:${port}`;
      const lines: string[] = [];
      const caPem = ca === undefined ? [] : [readFileSync(ca.caFile, 'utf8')];
      const client = new JsonRpcClient(node.url, { timeoutMs: 2_000, ca: caPem, log: { info: (m) => lines.push(m) } });
      try {
        expect((await client.call('eth_blockNumber', [])).result).toBe('0x10');
        expect(tunnels).toEqual([`127.0.0.1:${node.port}`]);
        expect(lines).toEqual([`${variable} is set: JSON-RPC calls go through undici, which honours it`]);
      } finally {
        await client.close();
        proxy.closeAllConnections();
        await new Promise((r) => proxy.close(r));
        await node.close();
      }
    },
  );

  it('an HTTP/1.0 server: the call is read, and later calls go through undici, said once', async () => {
    const node = await startRawHttpServer((req, socket) => socket.end(`HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n${resultBody(req, 'old')}`));
    const lines: string[] = [];
    const client = new JsonRpcClient(node.url, { timeoutMs: 2_000, log: { info: (m) => lines.push(m) } });
    try {
      for (let i = 0; i < 3; i++) expect((await client.call('x', [])).result).toBe('old');
      expect(await Promise.all([client.call('x', []), client.call('x', [])])).toMatchObject([{ result: 'old' }, { result: 'old' }]);
      expect(lines).toEqual(['the JSON-RPC endpoint answers HTTP/1.0, not 1.1: calls go through undici from now on']);
    } finally {
      await client.close();
      await node.close();
    }
  });
});

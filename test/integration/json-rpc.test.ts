import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { RpcError, type RpcErrorKind } from '../../src/rpc/rpc-error.js';
import { type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { eventually } from '../support/processes.js';

/** Looks like a signed transaction: must never show up in an error message. */
const SECRET_PARAM = `0xf86c${'ab'.repeat(100)}`;
const TIMEOUT_MS = 300;

function script(req: RpcRequest, res: ServerResponse): void {
  const id = JSON.stringify(req.id);
  const params = req.params as unknown[];
  switch (req.method) {
    case 'echo':
      return replyJson(res, `{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(params[0])}}`);
    case 'chunked': {
      // No content-length: the client has to count the bytes itself.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"jsonrpc":"2.0","id":${id},`);
      res.end(`"result":${JSON.stringify(params[0])}}`);
      return;
    }
    case 'http500':
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('something broke');
      return;
    case 'notJson':
      return replyJson(res, '<html>\n<body>502 Bad Gateway</body>\n</html>');
    case 'rpcError':
      return replyJson(res, `{"jsonrpc":"2.0","id":${id},"error":{"code":-32000,"message":"nonce too low"}}`);
    case 'wrongId':
      return replyJson(res, `{"jsonrpc":"2.0","id":"someone else","result":"0x1"}`);
    case 'noResult':
      return replyJson(res, `{"jsonrpc":"2.0","id":${id}}`);
    case 'slow': {
      const timer = setTimeout(() => replyJson(res, `{"jsonrpc":"2.0","id":${id},"result":"late"}`), TIMEOUT_MS * 20);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'slowBody': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"jsonrpc":"2.0","id":${id},`);
      const timer = setTimeout(() => res.end('"result":"late"}'), TIMEOUT_MS * 20);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'drop':
      res.socket?.destroy();
      return;
    case 'echoLater': {
      // Answered after the calls made with it: a batch's replies then come in another order.
      setTimeout(() => replyJson(res, `{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(params[0])}}`), 20);
      return;
    }
    case 'unanswered':
      // A reply left out of a batch's answer (as for a notification).
      return replyJson(res, '');
    default:
      replyJson(res, `{"jsonrpc":"2.0","id":${id},"error":{"code":-32601,"message":"Method not found"}}`);
  }
}

async function callError(client: JsonRpcClient, method: string, params: unknown[]): Promise<RpcError> {
  const err = await client.call(method, params).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcError);
  return err as RpcError;
}

/**
 * Opens `n` idle connections on `c`, so that calls after them need no connect: a connect once
 * took over 300 ms in CI, longer than a short-deadline client gives a call, so a warming call
 * that misses its deadline is asked again (within 20 s; only the later calls are asserted).
 */
async function warm(c: JsonRpcClient, n: number): Promise<void> {
  const deadline = performance.now() + 20_000;
  const one = async (): Promise<void> => {
    for (;;) {
      try {
        await c.call('echo', ['warm']);
        return;
      } catch (err) {
        if (performance.now() > deadline) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: n }, one));
}

describe('JsonRpcClient against a scripted server', () => {
  let server: FakeRpcServer;
  /** For what is not about time: a deadline no busy machine reaches (a first call's connect once took over 300 ms in CI). */
  let client: JsonRpcClient;
  /** For the timeouts: the short deadline they measure. */
  let timed: JsonRpcClient;

  beforeAll(async () => {
    server = await startFakeRpcServer(script);
    client = new JsonRpcClient(server.url, { connections: 4, timeoutMs: 10_000 });
    timed = new JsonRpcClient(server.url, { connections: 4, timeoutMs: TIMEOUT_MS });
  });

  afterAll(async () => {
    await client.close();
    await timed.close();
    await server.close();
  });

  it('sends JSON-RPC 2.0 requests with the method, the params and increasing numeric ids', async () => {
    const before = server.requests.length;
    await client.call('echo', ['a', 1]);
    await client.call('echo', [{ to: '0x01' }]);
    const [first, second] = server.requests.slice(before);
    expect(first).toEqual({ jsonrpc: '2.0', id: expect.any(Number), method: 'echo', params: ['a', 1] });
    expect(second).toEqual({ jsonrpc: '2.0', id: expect.any(Number), method: 'echo', params: [{ to: '0x01' }] });
    expect(second!.id as number).toBeGreaterThan(first!.id as number);
  });

  it('returns the result and the body length in bytes, with or without content-length', async () => {
    const text = 'blocks ✓ ünïcødé';
    const sent = await client.call('echo', [text]);
    expect(sent.result).toBe(text);
    const lastId = JSON.stringify(server.requests.at(-1)!.id);
    expect(sent.bytes).toBe(Buffer.byteLength(`{"jsonrpc":"2.0","id":${lastId},"result":${JSON.stringify(text)}}`));

    const chunked = await client.call('chunked', [text]);
    expect(chunked.result).toBe(text);
    const chunkedId = JSON.stringify(server.requests.at(-1)!.id);
    expect(chunked.bytes).toBe(Buffer.byteLength(`{"jsonrpc":"2.0","id":${chunkedId},"result":${JSON.stringify(text)}}`));
  });

  it('callThen: the promise is what the ending makes of a reply, an error reply or a bad parameter; an ending that throws rejects it', async () => {
    const ended: string[] = [];
    const end = {
      succeeded: ({ result }: { result: unknown }) => (ended.push(`ok ${String(result)}`), 'succeeded'),
      failed: (err: unknown) => (ended.push(err instanceof RpcError ? `rpc ${err.kind}` : `error ${String(err)}`), 'failed'),
    };
    const start = performance.now();
    expect(await client.callThen('echo', ['x'], start, end)).toBe('succeeded');
    expect(await client.callThen('nope', [], start, end)).toBe('failed');
    expect(await client.callThen('echo', [10n], start, end)).toBe('failed');
    expect(ended).toEqual(['ok x', 'rpc rpc', expect.stringMatching(/^error .*BigInt/)]);
    const throwing = {
      succeeded: () => {
        throw new Error('recorder broke');
      },
      failed: () => {
        throw new Error('recorder broke too');
      },
    };
    await expect(client.callThen('echo', ['x'], start, throwing)).rejects.toThrow('recorder broke');
    await expect(client.callThen('echo', [10n], start, throwing)).rejects.toThrow('recorder broke too');
  });

  it('matches concurrent replies to their calls', async () => {
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const replies = await Promise.all(values.map((v) => client.call('echo', [v])));
    expect(replies.map((r) => r.result)).toEqual(values);
  });

  const failures: [string, RpcErrorKind, string | RegExp][] = [
    ['http500', 'http', 'HTTP 500 Internal Server Error'],
    ['notJson', 'malformed', /^malformed JSON-RPC response: not JSON: ".*502 Bad Gateway.*"$/],
    ['wrongId', 'malformed', /^malformed JSON-RPC response: .*id/],
    ['noResult', 'malformed', /^malformed JSON-RPC response: no result/],
    ['rpcError', 'rpc', 'JSON-RPC error -32000: nonce too low'],
    ['slow', 'timeout', `timeout after ${TIMEOUT_MS} ms`],
    ['slowBody', 'timeout', `timeout after ${TIMEOUT_MS} ms`],
    ['drop', 'network', /^connection (closed by the server|reset by peer) \((UND_ERR_SOCKET|ECONNRESET)\)$/],
  ];

  it.each(failures)('%s gives a %s error with a one-line message, and the client keeps working', async (method, kind, message) => {
    const caller = kind === 'timeout' ? timed : client;
    // The timed-out call's socket is closed; the call after it then finds another one open
    // instead of connecting within the short deadline.
    if (kind === 'timeout') await warm(timed, 2);
    const started = performance.now();
    const err = await callError(caller, method, [SECRET_PARAM]);
    const elapsed = performance.now() - started;
    expect(err.kind).toBe(kind);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(SECRET_PARAM.slice(0, 20));
    if (kind === 'rpc') expect(err.code).toBe(-32000);
    else expect(err.code).toBeUndefined();
    if (kind === 'timeout') {
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      // Generous, yet below the ~1 s that undici's coarse parser timers would take.
      expect(elapsed).toBeLessThan(TIMEOUT_MS * 2.5);
    }

    const after = await caller.call('echo', ['still fine']);
    expect(after.result).toBe('still fine');
  });

  it('times out calls made at different moments each at its own deadline', async () => {
    // One timer serves every call in flight: it must re-arm for the next call's deadline.
    const started = performance.now();
    const first = callError(timed, 'slow', []);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = callError(timed, 'slow', []);
    const firstAt = await first.then((err) => (expect(err.kind).toBe('timeout'), performance.now() - started));
    const secondAt = await second.then((err) => (expect(err.kind).toBe('timeout'), performance.now() - started));
    expect(firstAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(firstAt).toBeLessThan(TIMEOUT_MS * 2.5);
    expect(secondAt).toBeGreaterThanOrEqual(TIMEOUT_MS + 100 - 5);
    expect(secondAt).toBeLessThan(TIMEOUT_MS * 2.5 + 100);
  });

  it('counts time spent waiting for a free socket, and frees the socket of a timed-out call', async () => {
    const single = new JsonRpcClient(server.url, { connections: 1, timeoutMs: TIMEOUT_MS });
    try {
      const failedAt = (call: Promise<RpcError>): Promise<{ err: RpcError; at: number }> => call.then((err) => ({ err, at: performance.now() }));
      // The first call holds the only socket until its deadline; the second, made just after,
      // waits behind it. Both stall: should the second get the socket in the moment the first
      // frees it (its deadline is a hair later, and on a busy machine more than a hair: once it
      // was then sent and answered in time), it still cannot be answered. What counts is when it fails.
      const [busy, queued] = await Promise.all([failedAt(callError(single, 'slow', [])), failedAt(callError(single, 'slow', []))]);
      expect(busy.err.kind).toBe('timeout');
      expect(queued.err.message).toBe(`timeout after ${TIMEOUT_MS} ms`);
      // Its wait for the socket counted: it failed at its own deadline, just after the first
      // call's, not a whole timeout after the socket came free.
      expect(queued.at - busy.at).toBeLessThan(TIMEOUT_MS / 2);
      // A socket never freed makes every later call time out; one freed answers. On a busy
      // machine a call may miss this short deadline on its own (CI once saw it, the new
      // connection and the answer taking over 300 ms), so it is asked again, up to 5 s.
      const after = await eventually(() => single.call('echo', ['the socket is free again']).catch(() => undefined), 5_000, 'a call on the freed socket', 10);
      expect(after.result).toBe('the socket is free again');
    } finally {
      await single.close();
    }
  });

  it('rejects (does not throw) when the params cannot be serialised', async () => {
    const pending = client.call('echo', [1n]);
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const lonely = new JsonRpcClient(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 });
    try {
      const err = await callError(lonely, 'eth_blockNumber', []);
      expect(err.kind).toBe('network');
      expect(err.message).toBe('connection refused (ECONNREFUSED)');
    } finally {
      await lonely.close();
    }
  });

  it('sends a batch as one request, and gives each call its own result or error, in the order of the calls', async () => {
    const before = server.batches.length;
    const items = await client.batch([
      { method: 'echoLater', params: ['first'] },
      { method: 'echo', params: ['second'] },
      { method: 'rpcError', params: [] },
      { method: 'unanswered', params: [] },
      { method: 'echo', params: [SECRET_PARAM] },
    ]);
    expect(server.batches.slice(before).map((b) => b.map((r) => r.method))).toEqual([['echoLater', 'echo', 'rpcError', 'unanswered', 'echo']]);
    expect(items.map((item) => (item.ok ? item.result : item.error.message))).toEqual([
      'first',
      'second',
      'JSON-RPC error -32000: nonce too low',
      'malformed JSON-RPC response: no reply to this call of the batch',
      SECRET_PARAM,
    ]);
    expect(await client.batch([])).toEqual([]);
  });

  it('a node that takes no batches fails the whole batch with its error; single calls go on', async () => {
    const refusing = await startFakeRpcServer(script, { batches: 'refused' });
    const refused = new JsonRpcClient(refusing.url, { timeoutMs: 10_000 });
    try {
      const err = await refused.batch([{ method: 'echo', params: ['a'] }]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RpcError);
      expect(err).toMatchObject({ kind: 'rpc', code: -32600, message: 'JSON-RPC error -32600: batch requests are not supported' });
      expect((await refused.call('echo', ['b'])).result).toBe('b');
    } finally {
      await refused.close();
      await refusing.close();
    }
  });

  it('rejects endpoints that are not http(s) URLs', () => {
    expect(() => new JsonRpcClient('ws://127.0.0.1:8546')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => new JsonRpcClient('not a url')).toThrow();
  });
});

describe('JsonRpcClient against anvil', () => {
  let chain: DevChain;
  let client: JsonRpcClient;

  beforeAll(async () => {
    chain = await startDevChain();
    client = new JsonRpcClient(chain.url);
  });

  afterAll(async () => {
    await client?.close();
    await chain?.stop();
  });

  it('returns eth_chainId as a hex quantity with the reply size in bytes', async () => {
    const { result, bytes } = await client.call('eth_chainId', []);
    expect(result).toMatch(/^0x[1-9a-f][0-9a-f]*$/);
    // The smallest possible reply, {"jsonrpc":"2.0","id":1,"result":"0x1"}, is 39 bytes.
    expect(bytes).toBeGreaterThanOrEqual(39);
  });

  it('answers a batch call by call: results and a node error side by side', async () => {
    const items = await client.batch([
      { method: 'eth_chainId', params: [] },
      { method: 'eth_noSuchMethod', params: [] },
      { method: 'eth_getTransactionCount', params: ['0x0000000000000000000000000000000000000001', 'latest'] },
    ]);
    expect(items[0]).toEqual({ ok: true, result: (await client.call('eth_chainId', [])).result });
    expect(items[1]).toMatchObject({ ok: false, error: { kind: 'rpc', code: -32601 } });
    expect(items[2]).toEqual({ ok: true, result: '0x0' });
  });

  it.each([
    ['eth_noSuchMethod', [], -32601],
    ['eth_sendRawTransaction', [SECRET_PARAM], -32602],
  ] as const)('%s gives an rpc error with the node code %i and no params in the message', async (method, params, code) => {
    const err = await callError(client, method, [...params]);
    expect(err.kind).toBe('rpc');
    expect(err.code).toBe(code);
    expect(err.message).toMatch(new RegExp(`^JSON-RPC error ${code}: \\S`));
    expect(err.message).not.toContain(SECRET_PARAM.slice(0, 20));
    const { result } = await client.call('eth_blockNumber', []);
    expect(result).toMatch(/^0x/);
  });
});

/** A port nobody listens on: bind one, then let it go. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

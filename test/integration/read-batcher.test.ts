/**
 * The read batcher against a real HTTP JSON-RPC server: reads made in one turn go out together,
 * a caller's calls in one request where they fit, each caller gets its own answers and only its
 * own failures, and a node that takes no batches is asked one call at a time.
 */
import type { ServerResponse } from 'node:http';

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { ReadBatcher } from '../../src/rpc/read-batcher.js';
import { type FakeRpcOptions, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';

function script(req: RpcRequest, res: ServerResponse): void {
  const [value] = req.params as unknown[];
  if (req.method === 'fail') replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, error: { code: -32000, message: `no ${String(value)}` } }));
  else replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, result: value }));
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setUp(options: FakeRpcOptions = {}) {
  const server = await startFakeRpcServer(script, options);
  const rpc = new JsonRpcClient(server.url, { timeoutMs: 5_000 });
  const lines: string[] = [];
  const reads = new ReadBatcher(rpc, pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
  cleanup.push(async () => {
    await rpc.close();
    await server.close();
  });
  return { server, reads, lines };
}

const echo = (caller: number, n: number) => Array.from({ length: n }, (_, i) => ({ method: 'echo', params: [`${caller}.${i}`] }));

describe('ReadBatcher', () => {
  it('sends the reads of one turn together, at most 100 calls a request, whole callers per request, each caller its own answers', async () => {
    const { server, reads } = await setUp();
    // 30 callers of 7 calls: 14 fit in a request of 98, 14 more, then 2.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, c) => reads.read(echo(c, 7))));
    expect(answers).toEqual(Array.from({ length: 30 }, (_, c) => echo(c, 7).map((call) => call.params[0])));
    expect(server.batches.map((b) => b.length)).toEqual([98, 98, 14]);
    expect(server.requests.length).toBe(210);
    // A caller with more than 100 calls gets requests of its own.
    const big = await reads.read(echo(99, 150));
    expect(big).toEqual(echo(99, 150).map((call) => call.params[0]));
    expect(server.batches.slice(3).map((b) => b.length)).toEqual([100, 50]);
  });

  it('reads of later turns go in later requests; a read of nothing asks nothing', async () => {
    const { server, reads } = await setUp();
    expect(await reads.read([])).toEqual([]);
    await reads.read(echo(1, 3));
    await reads.read(echo(2, 3));
    expect(server.batches.map((b) => b.length)).toEqual([3, 3]);
  });

  it('a failed call fails its caller only, with the node’s error', async () => {
    const { server, reads } = await setUp();
    const [ok, failed] = await Promise.allSettled([reads.read(echo(1, 2)), reads.read([...echo(2, 1), { method: 'fail', params: ['such thing'] }])]);
    expect(server.batches).toHaveLength(1);
    expect(ok).toEqual({ status: 'fulfilled', value: ['1.0', '1.1'] });
    expect(failed.status).toBe('rejected');
    expect(String((failed as PromiseRejectedResult).reason)).toContain('no such thing');
  });

  it('a node that takes no batches is asked one call at a time from then on, said once', async () => {
    const { server, reads, lines } = await setUp({ batches: 'refused' });
    expect(await Promise.all([reads.read(echo(1, 2)), reads.read(echo(2, 2))])).toEqual([
      ['1.0', '1.1'],
      ['2.0', '2.1'],
    ]);
    expect(await reads.read(echo(3, 2))).toEqual(['3.0', '3.1']);
    expect(server.batches).toHaveLength(1);
    expect(lines.filter((l) => l.includes('the node refuses JSON-RPC batches'))).toHaveLength(1);
  });
});

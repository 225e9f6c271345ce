/**
 * The lean transport against real servers: the throughput bench's nginx (its very config, over
 * http and https), anvil, a Node https server with a private CA (trusted through `ca`, as
 * --ca-file does, and refused without it), an HTTP/2 server that also speaks 1.1 (ALPN picks
 * 1.1), and servers that require an API key header or Basic auth. Each: many calls at once over
 * a few sockets, every reply matched to its call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BLOCK_NUMBER_RESULT, ECHO_MODULE, nginxConfig } from '../../bench/lib/nginx-config.mjs';
import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { freePort } from '../../src/util/ports.js';
import { type GuardedRpcServer, startGuardedRpcServer } from '../support/guarded-rpc-server.js';
import { requireOrSkip } from '../support/require-tool.js';
import { rpcFailure } from '../support/rpc-failure.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

const NGINX = '/usr/sbin/nginx';
const CALLS = 400;

let ca: TestCa;
let caPem: string;
beforeAll(() => {
  ca = makeTestCa();
  caPem = readFileSync(ca.caFile, 'utf8');
});

/** CALLS calls at once over `connections` sockets: every one answered, with its own id's result. */
async function manyAtOnce(client: JsonRpcClient, method: string, expected: unknown): Promise<void> {
  const replies = await Promise.all(Array.from({ length: CALLS }, () => client.call(method, [])));
  expect(replies.every((r) => r.result === expected)).toBe(true);
}

async function untilAnswers(client: JsonRpcClient): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await client.call('eth_blockNumber', []);
      return;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('nginx with the throughput bench config', () => {
  let nginx: ChildProcess | undefined;
  let ports: { http: number; https: number };
  const available = existsSync(NGINX) && existsSync(ECHO_MODULE);

  beforeAll(async () => {
    if (!available) return;
    const dir = mkdtempSync(join(tmpdir(), 'kw-nginx-'));
    mkdirSync(join(dir, 'logs'));
    const leaf = ca.leaf('IP:127.0.0.1');
    writeFileSync(join(dir, 'leaf.pem'), leaf.cert);
    writeFileSync(join(dir, 'leaf.key'), leaf.key);
    ports = { http: await freePort(), https: await freePort() };
    writeFileSync(
      join(dir, 'nginx.conf'),
      nginxConfig({ port: ports.http, dir, tls: { port: ports.https, cert: join(dir, 'leaf.pem'), key: join(dir, 'leaf.key') } }),
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  });
  afterAll(() => {
    nginx?.kill('SIGTERM');
  });

  it('http: many calls at once over a few keep-alive sockets', async (ctx) => {
    requireOrSkip(ctx, available, `nginx with its echo module is not installed (${NGINX}, ${ECHO_MODULE})`);
    const client = new JsonRpcClient(`http://127.0.0.1:${ports.http}/`, { connections: 8 });
    try {
      await untilAnswers(client);
      await manyAtOnce(client, 'eth_blockNumber', BLOCK_NUMBER_RESULT);
    } finally {
      await client.close();
    }
  });

  it('https with a private CA given as `ca`: many calls at once', async (ctx) => {
    requireOrSkip(ctx, available, `nginx with its echo module is not installed (${NGINX}, ${ECHO_MODULE})`);
    const client = new JsonRpcClient(`https://127.0.0.1:${ports.https}/`, { connections: 8, ca: [caPem] });
    try {
      await untilAnswers(client);
      await manyAtOnce(client, 'eth_blockNumber', BLOCK_NUMBER_RESULT);
    } finally {
      await client.close();
    }
  });
});

describe('anvil', () => {
  let chain: DevChain;
  beforeAll(async () => {
    chain = await startDevChain();
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('many calls at once over a few sockets, and a node error as an rpc error', async () => {
    const client = new JsonRpcClient(chain.url, { connections: 4 });
    try {
      const chainId = (await client.call('eth_chainId', [])).result;
      await manyAtOnce(client, 'eth_chainId', chainId);
      expect((await rpcFailure(client.call('eth_noSuchMethod', []))).code).toBe(-32601);
    } finally {
      await client.close();
    }
  });
});

describe('https, API keys and Basic auth', () => {
  const servers: GuardedRpcServer[] = [];
  const serve = async (...args: Parameters<typeof startGuardedRpcServer>): Promise<GuardedRpcServer> => {
    const server = await startGuardedRpcServer(...args);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a private CA through `ca` is trusted besides Node’s own; without it, or for another host name, the call is refused in one line', async () => {
    const node = await serve({ tls: ca.leaf('IP:127.0.0.1,DNS:localhost') });
    const trusting = new JsonRpcClient(node.url, { connections: 4, ca: [caPem] });
    const plain = new JsonRpcClient(node.url);
    try {
      await manyAtOnce(trusting, 'eth_blockNumber', '0x10');
      const untrusted = await rpcFailure(plain.call('eth_blockNumber', []));
      expect([untrusted.kind, untrusted.message]).toEqual(['tls', "TLS: the endpoint's certificate is not signed by a trusted CA (use --ca-file)"]);
    } finally {
      await trusting.close();
      await plain.close();
    }
    const other = await serve({ tls: ca.leaf('DNS:node.example') });
    const wrongName = new JsonRpcClient(other.url, { ca: [caPem] });
    try {
      expect((await rpcFailure(wrongName.call('eth_blockNumber', []))).message).toBe("TLS: the endpoint's certificate is not for this host name");
    } finally {
      await wrongName.close();
    }
  });

  it('an HTTP/2 server that also speaks HTTP/1.1: ALPN settles on 1.1', async () => {
    const leaf = ca.leaf('DNS:localhost');
    const h2 = createSecureServer({ key: leaf.key, cert: leaf.cert, allowHTTP1: true }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: unknown };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: req.httpVersion }));
      });
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    const { port } = h2.address() as { port: number };
    const client = new JsonRpcClient(`https://localhost:${port}/`, { connections: 4, ca: [caPem] });
    try {
      await manyAtOnce(client, 'x', '1.1');
    } finally {
      await client.close();
      await new Promise((r) => h2.close(r));
    }
  });

  it('an API key header and URL credentials (sent as Basic auth) open their servers; without them a one-line refusal that shows neither', async () => {
    const API_KEY = 'key-s3cret';
    const keyed = await serve({ allow: (h) => h['x-api-key'] === API_KEY });
    const basic = `Basic ${Buffer.from('user:pa ss').toString('base64')}`;
    const guarded = await serve({ allow: (h) => h.authorization === basic });
    const withKey = new JsonRpcClient(keyed.url, { connections: 4, headers: [{ name: 'x-api-key', value: API_KEY }] });
    const withCredentials = new JsonRpcClient(`http://user:pa%20ss@127.0.0.1:${guarded.port}/`, { connections: 4 });
    const wrongKey = new JsonRpcClient(keyed.url, { headers: [{ name: 'x-api-key', value: 'wrong-s3cret' }] });
    const wrongPassword = new JsonRpcClient(`http://user:not-s3cret@127.0.0.1:${guarded.port}/`);
    try {
      await manyAtOnce(withKey, 'eth_blockNumber', '0x10');
      await manyAtOnce(withCredentials, 'eth_blockNumber', '0x10');
      for (const refused of [wrongKey, wrongPassword]) {
        const err = await rpcFailure(refused.call('eth_blockNumber', []));
        expect([err.kind, err.message]).toEqual(['auth', 'the endpoint refused the credentials (HTTP 401)']);
        expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toMatch(/s3cret|user:/);
      }
    } finally {
      await Promise.all([withKey, withCredentials, wrongKey, wrongPassword].map((c) => c.close()));
    }
  });
});

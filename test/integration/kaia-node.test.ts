/**
 * probeKaiaNode: a clear one-line refusal from a node that does not speak Kaia (real anvil),
 * the namespace hint, transport failures, and — opt-in, with KAIA_ENDPOINT=<url> — a real
 * Kaia node's chain id (KAIA_RPC_NAMESPACE=klay to ask klay_chainID instead).
 */
import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { startDevChain } from '../../src/app/dev-chain.js';
import { KaiaNodeRequiredError, type KaiaRpcNamespace, probeKaiaNode } from '../../src/chain/kaia/node-probe.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { anvilAvailable } from '../support/anvil-available.js';
import { type Handler, replyJson, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { requireOrSkip } from '../support/require-tool.js';

const NEED_KAIA = 'these test cases need a Kaia node (kaia_chainID / klay_chainID not available at the endpoint): ';

async function probeError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('the probe succeeded, but it should have failed');
}

/** A fake node answering the methods in `answers` and "Method not found" to the rest. */
async function withFakeNode(answers: Record<string, unknown>, body: (rpc: JsonRpcClient) => Promise<void>): Promise<string[]> {
  const handler: Handler = (req, res) => {
    const reply =
      req.method in answers
        ? { jsonrpc: '2.0', id: req.id, result: answers[req.method] }
        : { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: `the method ${req.method} does not exist/is not available` } };
    replyJson(res, JSON.stringify(reply));
  };
  const server = await startFakeRpcServer(handler);
  const rpc = new JsonRpcClient(server.url, { timeoutMs: 5_000 });
  try {
    await body(rpc);
  } finally {
    await rpc.close();
    await server.close();
  }
  return server.requests.map((r) => r.method);
}

describe('probeKaiaNode against anvil (an Ethereum node)', () => {
  it.for(['kaia', 'klay'] as const)('refuses in one line that says a Kaia node is needed (namespace %s)', async (namespace, ctx) => {
    const probe = anvilAvailable();
    requireOrSkip(ctx, probe.ok, probe.reason);
    const chain = await startDevChain();
    const rpc = new JsonRpcClient(chain.url, { timeoutMs: 5_000 });
    try {
      const err = await probeError(probeKaiaNode(rpc, namespace));
      expect(err).toBeInstanceOf(KaiaNodeRequiredError);
      expect(err.message.startsWith(NEED_KAIA), err.message).toBe(true);
      // anvil's own words, for whoever reads the error.
      expect(err.message).toContain(`${namespace}_chainID: JSON-RPC error -32601: Method not found`);
      expect(err.message).not.toContain('\n');
    } finally {
      await rpc.close();
      await chain.stop();
    }
  });
});

describe('probeKaiaNode against scripted nodes', () => {
  it('returns the chain id of a node that answers kaia_chainID, asking nothing else', async () => {
    const asked = await withFakeNode({ kaia_chainID: '0x3e9' }, async (rpc) => {
      expect(await probeKaiaNode(rpc, 'kaia')).toBe(1001n);
    });
    expect(asked).toEqual(['kaia_chainID']);
  });

  it('names the namespace that works when only the other one does', async () => {
    await withFakeNode({ klay_chainID: '0x2019' }, async (rpc) => {
      const err = await probeError(probeKaiaNode(rpc, 'kaia'));
      expect(err).toBeInstanceOf(KaiaNodeRequiredError);
      expect(err.message).toBe('the node answers klay_chainID but not kaia_chainID: use --rpc-namespace klay');
    });
    await withFakeNode({ kaia_chainID: '0x2019' }, async (rpc) => {
      expect((await probeError(probeKaiaNode(rpc, 'klay'))).message).toBe('the node answers kaia_chainID but not klay_chainID: use --rpc-namespace kaia');
    });
  });

  it('treats an answer that is not a chain id as not Kaia', async () => {
    await withFakeNode({ kaia_chainID: { chainId: 1 }, klay_chainID: null }, async (rpc) => {
      const err = await probeError(probeKaiaNode(rpc, 'kaia'));
      expect(err.message).toBe(`${NEED_KAIA}kaia_chainID returned {"chainId":1}, not a chain id`);
    });
  });

  it('reports an unreachable endpoint as such, not as a missing Kaia node', async () => {
    const port = await closedPort();
    const rpc = new JsonRpcClient(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 });
    try {
      const err = await probeError(probeKaiaNode(rpc, 'kaia'));
      expect(err).not.toBeInstanceOf(KaiaNodeRequiredError);
      expect(err.message).toMatch(/^cannot ask the endpoint for kaia_chainID: connection refused/);
    } finally {
      await rpc.close();
    }
  });
});

describe('probeKaiaNode against a real Kaia node (opt-in)', () => {
  const endpoint = process.env.KAIA_ENDPOINT;
  it('reads the chain id from KAIA_ENDPOINT', async (ctx) => {
    if (endpoint === undefined || endpoint === '') {
      ctx.skip('KAIA_ENDPOINT is not set: give a Kaia node URL to probe it (KAIA_RPC_NAMESPACE=klay for klay_*)');
      return;
    }
    const namespace: KaiaRpcNamespace = process.env.KAIA_RPC_NAMESPACE === 'klay' ? 'klay' : 'kaia';
    const rpc = new JsonRpcClient(endpoint, { timeoutMs: 10_000 });
    try {
      const chainId = await probeKaiaNode(rpc, namespace);
      console.info(`KAIA_ENDPOINT ${endpoint}: ${namespace}_chainID = ${chainId}`);
      expect(chainId).toBeGreaterThan(0n);
    } finally {
      await rpc.close();
    }
  });
});

/** A loopback port with nothing listening (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

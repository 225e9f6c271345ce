import type { ServerResponse } from 'node:http';

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { feeCap, FeeOracle, KAIA_MAX_RISE, loadChainContext, readFees } from '../../src/chain/chain-context.js';
import { waitForNode } from '../../src/chain/wait-for-node.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { freePort } from '../support/processes.js';

const silent = pino({ level: 'silent' });

/**
 * A node that answers from a method table (a value, or a function of the params); a missing
 * method gets JSON-RPC's "Method not found".
 */
async function node(methods: Record<string, unknown>): Promise<FakeRpcServer> {
  return startFakeRpcServer((req: RpcRequest, res: ServerResponse) => {
    const id = JSON.stringify(req.id);
    const answer = methods[req.method];
    const result: unknown = typeof answer === 'function' ? (answer as (params: unknown) => unknown)(req.params) : answer;
    if (req.method in methods) replyJson(res, `{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(result)}}`);
    else replyJson(res, `{"jsonrpc":"2.0","id":${id},"error":{"code":-32601,"message":"the method ${req.method} does not exist/is not available"}}`);
  });
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function client(server: FakeRpcServer): Promise<JsonRpcClient> {
  open.push(server);
  const rpc = new JsonRpcClient(server.url, { timeoutMs: 2_000 });
  open.push(rpc);
  return rpc;
}

const GWEI = 1_000_000_000n;

describe('fees from the node', () => {
  it('1559: tip from eth_maxPriorityFeePerGas, cap = 2 × base fee + tip rounded up to a power of two', async () => {
    const rpc = await client(await node({ eth_getBlockByNumber: { number: '0x10', baseFeePerGas: '0x6fc23ac00' }, eth_maxPriorityFeePerGas: '0x3b9aca00' }));
    // 61 gwei → 2^36 wei (68.7 gwei).
    expect(await readFees(rpc, '1559')).toEqual({ type: '1559', maxPriorityFeePerGas: GWEI, maxFeePerGas: 2n ** 36n });
  });

  it('the fee cap holds steady while the base fee moves within a factor of two, and never falls below 2 × base fee + tip', () => {
    expect(feeCap(30n * GWEI, GWEI)).toBe(2n ** 36n);
    expect(feeCap(33n * GWEI, GWEI)).toBe(2n ** 36n);
    expect(feeCap(34n * GWEI, GWEI)).toBe(2n ** 37n);
    for (let base = 1n; base < 10n ** 15n; base = (base * 9n) / 8n + 1n) {
      const cap = feeCap(base, 7n);
      expect(cap >= 2n * base + 7n && cap < 2n * (2n * base + 7n)).toBe(true);
    }
  });

  it('follows each block’s base fee: 1559 caps move with it; a legacy price moves only when a block’s rise would price it out', () => {
    const fees = new FeeOracle({} as JsonRpcClient, '1559', { type: '1559', maxFeePerGas: feeCap(GWEI, GWEI), maxPriorityFeePerGas: GWEI }, silent);
    const first = fees.current();
    fees.observeBaseFee(GWEI + 1n);
    expect(fees.current()).toBe(first);
    fees.observeBaseFee(100n * GWEI);
    expect(fees.current()).toEqual({ type: '1559', maxFeePerGas: feeCap(100n * GWEI, GWEI), maxPriorityFeePerGas: GWEI });

    const legacy = new FeeOracle({} as JsonRpcClient, 'legacy', { type: 'legacy', gasPrice: 28n * GWEI }, silent);
    legacy.observeBaseFee(24n * GWEI);
    expect(legacy.current()).toEqual({ type: 'legacy', gasPrice: 28n * GWEI });
    // 28 gwei does not survive a full block above 25 gwei (28.1): six blocks' worth, ~2.03 × 25.
    legacy.observeBaseFee(25n * GWEI);
    const raised = (legacy.current() as { gasPrice: bigint }).gasPrice;
    expect(raised > 50n * GWEI && raised < 51n * GWEI).toBe(true);
    // Kaia's base fee rises at most 5 % a block: 27.5 gkei at 25 is enough.
    const kaia = new FeeOracle({} as JsonRpcClient, 'legacy', { type: 'legacy', gasPrice: 27_500_000_000n }, silent, KAIA_MAX_RISE);
    kaia.observeBaseFee(25n * GWEI);
    expect(kaia.current()).toEqual({ type: 'legacy', gasPrice: 27_500_000_000n });
  });

  it('after a re-read finds a base fee jump, a block mined before the jump and seen late does not lower the cap again', async () => {
    // The node: latest block at 1 gwei, its pending block at 100 gwei (anvil_setNextBlockBaseFeePerGas).
    const rpc = await client(
      await node({
        eth_getBlockByNumber: (params: unknown[]) => ({ number: '0x10', baseFeePerGas: toHex((params[0] === 'pending' ? 100n : 1n) * GWEI) }),
        eth_maxPriorityFeePerGas: toHex(GWEI),
      }),
    );
    const fees = new FeeOracle(rpc, '1559', { type: '1559', maxFeePerGas: feeCap(GWEI, GWEI), maxPriorityFeePerGas: GWEI }, silent);
    await fees.refresh();
    const jumped = { type: '1559', maxFeePerGas: feeCap(100n * GWEI, GWEI), maxPriorityFeePerGas: GWEI };
    expect(fees.current()).toEqual(jumped);
    // The last block before the jump, seen only now: the node still refuses what it would price.
    fees.observeBaseFee(GWEI);
    expect(fees.current()).toEqual(jumped);
    // The first block at the new fee, then the fee falling back: the cap follows the blocks again.
    fees.observeBaseFee(100n * GWEI);
    fees.observeBaseFee(40n * GWEI);
    expect(fees.current()).toEqual({ type: '1559', maxFeePerGas: feeCap(40n * GWEI, GWEI), maxPriorityFeePerGas: GWEI });
  });

  it('1559 on a node without eth_maxPriorityFeePerGas: tip = gas price − base fee', async () => {
    const rpc = await client(await node({ eth_getBlockByNumber: { baseFeePerGas: toHex(25n * GWEI) }, eth_gasPrice: toHex(27n * GWEI) }));
    expect(await readFees(rpc, '1559')).toEqual({ type: '1559', maxPriorityFeePerGas: 2n * GWEI, maxFeePerGas: feeCap(25n * GWEI, 2n * GWEI) });
  });

  it('legacy: eth_gasPrice as the node quotes it (no hard-coded 750 gkei)', async () => {
    const rpc = await client(await node({ eth_gasPrice: toHex(123n * GWEI) }));
    expect(await readFees(rpc, 'legacy')).toEqual({ type: 'legacy', gasPrice: 123n * GWEI });
  });

  it('auto picks 1559 where the latest block has a base fee, legacy where not', async () => {
    const with1559 = await client(
      await node({ eth_chainId: '0x3e9', eth_getBlockByNumber: { baseFeePerGas: '0x5d21dba00' }, eth_maxPriorityFeePerGas: '0x0' }),
    );
    const ctx = await loadChainContext(with1559, { txType: 'auto', log: silent });
    expect([ctx.chainId, ctx.txType, ctx.baseFee]).toEqual([1001n, '1559', 25n * GWEI]);
    const old = await client(await node({ eth_chainId: '0x2019', eth_getBlockByNumber: { number: '0x1' }, eth_gasPrice: '0xae9f7bcc00' }));
    const legacy = await loadChainContext(old, { txType: 'auto', log: silent });
    expect([legacy.chainId, legacy.txType, legacy.baseFee, legacy.fees.current()]).toEqual([8217n, 'legacy', null, { type: 'legacy', gasPrice: 750n * GWEI }]);
  });

  it('refuses --tx-type 1559 on a chain without a base fee, in one line', async () => {
    const rpc = await client(await node({ eth_chainId: '0x1', eth_getBlockByNumber: { number: '0x1' }, eth_gasPrice: '0x1' }));
    await expect(loadChainContext(rpc, { txType: '1559', log: silent })).rejects.toThrow(
      /^--tx-type 1559: the node reports no base fee .*use --tx-type legacy$/,
    );
  });
});

describe('waitForNode', () => {
  it('retries an unreachable node with backoff and fails with a clear error after the timeout', async () => {
    const port = await freePort();
    const rpc = new JsonRpcClient(`http://127.0.0.1:${port}/secret-api-key`, { timeoutMs: 1_000 });
    open.push(rpc);
    const start = performance.now();
    const err = await waitForNode(rpc, { timeoutMs: 1_500, endpoint: `http://127.0.0.1:${port}/secret-api-key`, log: silent, backoffMs: 50 }).catch(
      (e: Error) => e,
    );
    const elapsed = performance.now() - start;
    expect(String(err)).toMatch(
      new RegExp(
        `^Error: no answer from the node at 127\\.0\\.0\\.1:${port} within 1\\.5 s \\(connection refused \\(ECONNREFUSED\\)\\); check --endpoint or raise --connect-timeout$`,
      ),
    );
    expect(String(err)).not.toContain('secret-api-key');
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(6_000);
  });

  it('connects once the node comes up within the timeout', async () => {
    const port = await freePort();
    const rpc = new JsonRpcClient(`http://127.0.0.1:${port}`, { timeoutMs: 1_000 });
    open.push(rpc);
    const waiting = waitForNode(rpc, { timeoutMs: 20_000, endpoint: `http://127.0.0.1:${port}`, log: silent, backoffMs: 50, maxBackoffMs: 200 });
    await new Promise((r) => setTimeout(r, 300));
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => replyJson(res, `{"jsonrpc":"2.0","id":${(JSON.parse(body) as { id: number }).id},"result":"0x7a69"}`));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
    expect(await waiting).toBe(31337n);
  });

  it('does not retry a node that answers eth_chainId with an error', async () => {
    const rpc = await client(await node({}));
    await expect(waitForNode(rpc, { timeoutMs: 20_000, endpoint: 'http://x', log: silent })).rejects.toThrow(/answered eth_chainId with an error: .*-32601/);
  });
});

function toHex(n: bigint): string {
  return `0x${n.toString(16)}`;
}

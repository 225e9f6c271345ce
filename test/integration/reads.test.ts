import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PreparedTestCase, TestCase } from '../../src/api/test-case.js';
import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import type { ContractDeployer } from '../../src/chain/deploy.js';
import { createContractDeployer, createTransactionSender } from '../../src/chain/deploy.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { createRateLimiter } from '../../src/runner/limiter/rate-limiter.js';
import type { Task, User } from '../../src/runner/task.js';
import { UserPool } from '../../src/runner/user-pool.js';
import type { Recorder } from '../../src/stats/recorder.js';
import { RequestStats } from '../../src/stats/request-stats.js';
import type { ReadConfig } from '../../testcases/reads/read-context.js';
import { createReadTestCases, readTestCases } from '../../testcases/reads/reads.js';
import { type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { testCaseContext, type TestContextOptions } from '../support/test-case-context.js';

const silent = pino({ level: 'silent' });

/** What a read test may set in the context. */
type ReadContextExtras = Pick<TestContextOptions, 'namespace' | 'contracts'>;

type Recorded = { outcome: 'success'; type: string; name: string; bytes: number } | { outcome: 'failure'; type: string; name: string; error: string };

function recordingUser(): { user: User; recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  const recorder: Recorder = {
    success: (type, name, _ms, bytes) => recorded.push({ outcome: 'success', type, name, bytes }),
    failure: (type, name, _ms, error) => recorded.push({ outcome: 'failure', type, name, error }),
  };
  return { user: { id: 0, recorder, signal: new AbortController().signal }, recorded };
}

function testCase(name: string, cases: readonly TestCase[] = readTestCases): TestCase {
  const found = cases.find((tc) => tc.name === name);
  if (found === undefined) throw new Error(`no read test case ${name}`);
  return found;
}

/** Polls `check` until it holds; fails with `what` after `ms`. */
async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

const EXPECTED = [
  { name: 'getBlockByNumber', type: 'eth_getBlockByNumber', alias: 'readGetBlockByNumber' },
  { name: 'getBalance', type: 'eth_getBalance', alias: 'readGetBalance' },
  { name: 'gasPrice', type: 'eth_gasPrice', alias: 'readGasPrice' },
  { name: 'call', type: 'eth_call', alias: 'readCall' },
  { name: 'estimateGas', type: 'eth_estimateGas', alias: 'readEstimateGas' },
  { name: 'getStorageAt', type: 'eth_getStorageAt', alias: 'readGetStorageAt' },
];

describe('read test cases', () => {
  it("are the six listed, each with the Go tool's name as an alias", () => {
    expect(readTestCases.map((tc) => [tc.name, tc.aliases])).toEqual(EXPECTED.map((e) => [e.name, [e.alias]]));
  });
});

describe('read test cases against anvil, through the user loop', () => {
  let chain: DevChain;
  let rpc: JsonRpcClient;
  let contracts: ContractDeployer;

  beforeAll(async () => {
    chain = await startDevChain({ blockTime: 0.5 });
    rpc = new JsonRpcClient(chain.url, { timeoutMs: 10_000 });
    const sender = createTransactionSender({ rpc, signer: new Wallet(chain.richKey).signingKey, pollMs: 50 });
    contracts = createContractDeployer({ sender });
  });
  afterAll(async () => {
    await rpc?.close();
    await chain?.stop();
  });

  async function nonceOf(key: string): Promise<bigint> {
    const { result } = await rpc.call('eth_getTransactionCount', [new Wallet(key).address, 'latest']);
    return BigInt(result as string);
  }

  it('every read test case succeeds for a few seconds at 200 requests/s, with no failure', async () => {
    // A short head refresh so that the shared head moves during the run.
    const cases = createReadTestCases({ headRefreshMs: 200 });
    const ctx = testCaseContext({ rpc, endpoint: chain.url, contracts });
    const nonceBefore = await nonceOf(chain.richKey);
    const prepared: PreparedTestCase[] = [];
    for (const tc of cases) prepared.push(await tc.setup(ctx));
    // call, estimateGas and getStorageAt share one UserStorage deployment.
    expect(await nonceOf(chain.richKey)).toBe(nonceBefore + 1n);
    const tasks: Task[] = cases.map((tc, i) => ({ name: tc.name, weight: 1, run: (user) => prepared[i]!.run(user) }));
    const stats = new RequestStats();
    const limiter = createRateLimiter({ maxRps: 200 });
    const pool = new UserPool({ tasks, limiter, recorder: stats, log: silent });
    limiter.start();
    pool.setTarget(2 * tasks.length);
    const started = performance.now();
    try {
      const enough = (): boolean => {
        const rows = stats.summary(1).rows;
        if (stats.totalFailures > 0) return true;
        return performance.now() - started >= 2_000 && EXPECTED.every((e) => (rows.find((r) => r.name === e.name)?.requests ?? 0) >= 60);
      };
      await waitFor('2 s and 60 requests of every read test case', enough);
    } finally {
      await pool.stopAll(5_000);
      limiter.stop();
      for (const p of prepared) await p.teardown?.();
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = stats.summary(seconds);
    expect(summary.errors).toEqual([]);
    expect(summary.total.failures).toBe(0);
    expect(summary.rows.map((r) => [r.type, r.name])).toEqual(EXPECTED.map((e) => [e.type, e.name]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    for (const row of summary.rows) expect(row.requests, row.name).toBeGreaterThanOrEqual(60);
  });
});

describe('read test cases against a node that answers badly', () => {
  const CONTRACT = '0x00000000000000000000000000000000DeaDBeef';
  const fakeDeployer: ContractDeployer = { deployContract: async () => CONTRACT };
  let server: FakeRpcServer;
  /** The raw JSON `result` per method; the request is passed for replies that echo it. */
  let answers: Record<string, (req: RpcRequest) => string>;

  beforeAll(async () => {
    server = await startFakeRpcServer((req: RpcRequest, res: ServerResponse) => {
      const answer = answers[req.method];
      if (answer === undefined) {
        replyJson(res, `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"error":{"code":-32601,"message":"Method not found"}}`);
        return;
      }
      replyJson(res, `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":${answer(req)}}`);
    });
  });
  afterAll(async () => {
    await server.close();
  });

  async function runOnce(name: string, extras: ReadContextExtras = {}, config: Partial<ReadConfig> = {}): Promise<Recorded[]> {
    const rpc = new JsonRpcClient(server.url, { timeoutMs: 5_000 });
    try {
      const prepared = await testCase(name, createReadTestCases(config)).setup(
        testCaseContext({ rpc, endpoint: server.url, contracts: fakeDeployer, ...extras }),
      );
      const { user, recorded } = recordingUser();
      await prepared.run(user);
      await prepared.teardown?.();
      return recorded;
    } finally {
      await rpc.close();
    }
  }

  const constant = (json: string) => () => json;
  const blockEcho = (req: RpcRequest): string => JSON.stringify({ number: (req.params as string[])[0], hash: '0x01' });

  it.each([
    ['getBlockByNumber', 'eth_getBlockByNumber', 'null', 'eth_getBlockByNumber: no such block (null result)'],
    ['getBlockByNumber', 'eth_getBlockByNumber', '{"number":"0x11"}', 'eth_getBlockByNumber returned a different block than the one asked for'],
    ['getBlockByNumber', 'eth_getBlockByNumber', '{"hash":"0x01"}', 'invalid eth_getBlockByNumber result: not a block with a hex "number"'],
    ['getBlockByNumber', 'eth_getBlockByNumber', '"0x5"', 'invalid eth_getBlockByNumber result: not a block with a hex "number"'],
    ['getBalance', 'eth_getBalance', '"1000"', 'invalid eth_getBalance result: "1000"'],
    ['getBalance', 'eth_getBalance', 'null', 'invalid eth_getBalance result: null'],
    ['gasPrice', 'eth_gasPrice', '"0x0"', 'invalid eth_gasPrice result: "0x0"'],
    ['gasPrice', 'eth_gasPrice', '"0x00ff"', 'invalid eth_gasPrice result: "0x00ff"'],
    ['gasPrice', 'eth_gasPrice', '25000000000', 'invalid eth_gasPrice result: 25000000000'],
    ['call', 'eth_call', '"0x"', 'invalid eth_call result: not the ABI encoding of get() returns (uint256): "0x"'],
    ['call', 'eth_call', `"0x${'00'.repeat(31)}"`, `invalid eth_call result: not the ABI encoding of get() returns (uint256): "0x${'0'.repeat(57)}…`],
    ['call', 'eth_call', `"0x${'00'.repeat(33)}"`, `invalid eth_call result: not the ABI encoding of get() returns (uint256): "0x${'0'.repeat(57)}…`],
    ['call', 'eth_call', `"0x${'zz'.repeat(32)}"`, `invalid eth_call result: not the ABI encoding of get() returns (uint256): "0x${'z'.repeat(57)}…`],
    ['estimateGas', 'eth_estimateGas', '"0x0"', 'invalid eth_estimateGas result: "0x0"'],
    ['estimateGas', 'eth_estimateGas', '{}', 'invalid eth_estimateGas result: {}'],
    ['getStorageAt', 'eth_getStorageAt', '"0x4"', 'invalid eth_getStorageAt result: "0x4"'],
    ['getStorageAt', 'eth_getStorageAt', `"0x${'0'.repeat(63)}"`, `invalid eth_getStorageAt result: "0x${'0'.repeat(57)}…`],
  ])('%s records the %s result %s as a failure', async (name, method, result, message) => {
    answers = { eth_blockNumber: constant('"0x10"'), [method]: constant(result) };
    const recorded = await runOnce(name);
    expect(recorded).toEqual([{ outcome: 'failure', type: method, name, error: message }]);
  });

  it.each([
    ['getBlockByNumber', 'eth_getBlockByNumber', blockEcho],
    ['getBalance', 'eth_getBalance', constant('"0x0"')],
    ['gasPrice', 'eth_gasPrice', constant('"0x3b9aca00"')],
    ['call', 'eth_call', constant(`"0x${'00'.repeat(31)}2a"`)],
    ['estimateGas', 'eth_estimateGas', constant('"0x5208"')],
    ['getStorageAt', 'eth_getStorageAt', constant(`"0x${'0'.repeat(64)}"`)],
  ])('%s accepts a well-formed %s result', async (name, method, answer) => {
    answers = { eth_blockNumber: constant('"0x10"'), [method]: answer };
    const [entry] = await runOnce(name);
    expect(entry).toMatchObject({ outcome: 'success', type: method, name });
  });

  it('contract reads address the deployed contract with the expected calldata', async () => {
    answers = {
      eth_call: constant(`"0x${'00'.repeat(32)}"`),
      eth_estimateGas: constant('"0x5208"'),
      eth_getStorageAt: constant(`"0x${'00'.repeat(32)}"`),
    };
    for (const name of ['call', 'estimateGas', 'getStorageAt']) await runOnce(name);
    const [call, estimate, storage] = server.requests.slice(-3);
    expect(call).toMatchObject({ method: 'eth_call', params: [{ to: CONTRACT, data: '0x6d4ce63c' }, 'latest'] });
    // set(uint256) is 0x60fe47b1, followed by one 32-byte argument.
    expect(estimate).toMatchObject({ method: 'eth_estimateGas', params: [{ to: CONTRACT, data: expect.stringMatching(/^0x60fe47b1[0-9a-f]{64}$/) }] });
    expect(storage).toMatchObject({ method: 'eth_getStorageAt', params: [CONTRACT, '0x0', 'latest'] });
  });

  it('getBalance reads one of the configured addresses', async () => {
    const only = '0x1111111111111111111111111111111111111111';
    answers = { eth_getBalance: constant('"0x1"') };
    await runOnce('getBalance', {}, { addresses: [only] });
    expect(server.requests.at(-1)).toMatchObject({ method: 'eth_getBalance', params: [only, 'latest'] });
  });

  it.each(['kaia', 'klay'] as const)('calls and records %s_* methods when the context names that namespace', async (namespace) => {
    const methods = ['getBlockByNumber', 'getBalance', 'gasPrice', 'call', 'estimateGas', 'getStorageAt'];
    answers = {
      [`${namespace}_blockNumber`]: constant('"0x10"'),
      [`${namespace}_getBlockByNumber`]: blockEcho,
      [`${namespace}_getBalance`]: constant('"0x0"'),
      [`${namespace}_gasPrice`]: constant('"0x1"'),
      [`${namespace}_call`]: constant(`"0x${'00'.repeat(32)}"`),
      [`${namespace}_estimateGas`]: constant('"0x5208"'),
      [`${namespace}_getStorageAt`]: constant(`"0x${'00'.repeat(32)}"`),
    };
    for (const [i, name] of methods.entries()) {
      const recorded = await runOnce(name, { namespace });
      expect(recorded).toEqual([{ outcome: 'success', type: `${namespace}_${methods[i]}`, name, bytes: expect.any(Number) }]);
    }
  });

  it('a contract read without a rich key fails at setup with one clear line', async () => {
    const rpc = new JsonRpcClient(server.url, { timeoutMs: 5_000 });
    try {
      await expect(testCase('call').setup(testCaseContext({ rpc, endpoint: server.url }))).rejects.toThrow(
        /^call: deploying a contract needs a funded rich key: give --key-file PATH or KLAYWORKER_KEY \(or --key\)$/,
      );
    } finally {
      await rpc.close();
    }
  });

  it('getBlockByNumber fails at setup when the head cannot be read', async () => {
    answers = { eth_blockNumber: constant('"ten"') };
    const rpc = new JsonRpcClient(server.url, { timeoutMs: 5_000 });
    try {
      await expect(testCase('getBlockByNumber').setup(testCaseContext({ rpc, endpoint: server.url }))).rejects.toThrow(
        'getBlockByNumber: cannot read the chain head: invalid eth_blockNumber result: "ten"',
      );
    } finally {
      await rpc.close();
    }
  });

  /** Serves head 0x10 on the first eth_blockNumber and 0x100000 afterwards; echoes blocks. */
  async function headScenario(
    headRefreshMs: number,
    drive: (run: () => Promise<unknown>, asked: () => number[]) => Promise<void>,
  ): Promise<{ headReads: number; asked: number[]; recorded: Recorded[] }> {
    let headReads = 0;
    answers = { eth_blockNumber: () => (headReads++ === 0 ? '"0x10"' : '"0x100000"'), eth_getBlockByNumber: blockEcho };
    const first = server.requests.length;
    const asked = (): number[] =>
      server.requests
        .slice(first)
        .filter((r) => r.method === 'eth_getBlockByNumber')
        .map((r) => Number((r.params as string[])[0]));
    const rpc = new JsonRpcClient(server.url, { timeoutMs: 5_000 });
    const { user, recorded } = recordingUser();
    try {
      const prepared = await testCase('getBlockByNumber', createReadTestCases({ headRefreshMs })).setup(testCaseContext({ rpc, endpoint: server.url }));
      await drive(() => prepared.run(user), asked);
      await prepared.teardown?.();
    } finally {
      await rpc.close();
    }
    return { headReads, asked: asked(), recorded };
  }

  it('getBlockByNumber reads the head once at setup, not once per call', async () => {
    const { headReads, asked, recorded } = await headScenario(60_000, async (run) => {
      for (let i = 0; i < 30; i++) await run();
    });
    expect(headReads).toBe(1);
    expect(asked).toHaveLength(30);
    expect(asked.every((n) => n >= 0 && n <= 0x10)).toBe(true);
    expect(recorded.filter((r) => r.outcome === 'success')).toHaveLength(30);
  });

  it('getBlockByNumber re-reads a stale head in the background and then asks for newer blocks', async () => {
    const { headReads, recorded } = await headScenario(20, async (run, asked) => {
      const deadline = performance.now() + 10_000;
      while (!asked().some((n) => n > 0x10)) {
        if (performance.now() > deadline) throw new Error('no request above the first head within 10 s');
        await run();
        await sleep(5);
      }
    });
    expect(headReads).toBeGreaterThanOrEqual(2);
    expect(recorded.every((r) => r.outcome === 'success')).toBe(true);
  });
});

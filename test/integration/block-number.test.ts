import type { ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { User } from '../../src/runner/task.js';
import type { Recorder } from '../../src/stats/recorder.js';
import { blockNumber } from '../../testcases/reads/block-number.js';
import { type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { testCaseContext } from '../support/test-case-context.js';

type Recorded =
  { outcome: 'success'; type: string; name: string; ms: number; bytes: number } | { outcome: 'failure'; type: string; name: string; ms: number; error: string };

function recordingUser(): { user: User; recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  const recorder: Recorder = {
    success: (type, name, ms, bytes) => recorded.push({ outcome: 'success', type, name, ms, bytes }),
    failure: (type, name, ms, error) => recorded.push({ outcome: 'failure', type, name, ms, error }),
  };
  return { user: { id: 0, recorder, signal: new AbortController().signal }, recorded };
}

async function runOnce(endpoint: string): Promise<Recorded[]> {
  const rpc = new JsonRpcClient(endpoint, { timeoutMs: 5_000 });
  try {
    const prepared = await blockNumber.setup(testCaseContext({ rpc, endpoint }));
    const { user, recorded } = recordingUser();
    await prepared.run(user);
    await prepared.teardown?.();
    return recorded;
  } finally {
    await rpc.close();
  }
}

describe('blockNumber against anvil', () => {
  let chain: DevChain;
  beforeAll(async () => {
    chain = await startDevChain();
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it('records one success under eth_blockNumber / blockNumber with the reply size', async () => {
    const recorded = await runOnce(chain.url);
    expect(recorded).toEqual([{ outcome: 'success', type: 'eth_blockNumber', name: 'blockNumber', ms: expect.any(Number), bytes: expect.any(Number) }]);
    const entry = recorded[0] as Extract<Recorded, { outcome: 'success' }>;
    expect(entry.ms).toBeGreaterThan(0);
    expect(entry.bytes).toBeGreaterThan(0);
  });
});

describe('blockNumber against a node that answers nonsense', () => {
  let server: FakeRpcServer;
  let answer: string;
  beforeAll(async () => {
    server = await startFakeRpcServer((req: RpcRequest, res: ServerResponse) =>
      replyJson(res, `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":${answer}}`),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['"12"', 'invalid eth_blockNumber result: "12"'],
    ['"0x"', 'invalid eth_blockNumber result: "0x"'],
    ['"0x01"', 'invalid eth_blockNumber result: "0x01"'],
    ['12', 'invalid eth_blockNumber result: 12'],
    ['null', 'invalid eth_blockNumber result: null'],
  ])('records the result %s as a failure with a message', async (result, message) => {
    answer = result;
    const recorded = await runOnce(server.url);
    expect(recorded).toEqual([{ outcome: 'failure', type: 'eth_blockNumber', name: 'blockNumber', ms: expect.any(Number), error: message }]);
    expect(server.requests.at(-1)).toMatchObject({ method: 'eth_blockNumber', params: [] });
  });

  it.each(['"0x0"', '"0x1b4"', '"0xABCDEF"'])('accepts the hex quantity %s', async (result) => {
    answer = result;
    const [entry] = await runOnce(server.url);
    expect(entry?.outcome).toBe('success');
  });

  it('records a transport failure with the client error message', async () => {
    // Port 1 is privileged and unused on loopback: nothing answers there.
    const endpoint = server.url.replace(/:\d+\/$/, ':1/');
    const recorded = await runOnce(endpoint);
    expect(recorded).toEqual([
      { outcome: 'failure', type: 'eth_blockNumber', name: 'blockNumber', ms: expect.any(Number), error: expect.stringMatching(/\(ECONNREFUSED\)$/) },
    ]);
  });
});

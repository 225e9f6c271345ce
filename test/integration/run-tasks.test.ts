/**
 * --run-tasks (Boomer's debug mode): each test case once, without a master, every outcome on
 * stdout (a transfer's mined outcome too), exit 1 when one failed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { type FakeRpcServer, replyJson, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { CLI, killStarted, startProcess } from '../support/processes.js';

let chain: DevChain;
let broken: FakeRpcServer;
beforeAll(async () => {
  chain = await startDevChain({ blockTime: 1 });
  // A node that answers eth_gasPrice and refuses eth_blockNumber.
  broken = await startFakeRpcServer((req, res) =>
    replyJson(
      res,
      req.method === 'eth_blockNumber'
        ? `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"error":{"code":-32000,"message":"no head"}}`
        : `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":"0x3b9aca00"}`,
    ),
  );
});
afterAll(async () => {
  await chain.stop();
  await broken.close();
});
afterEach(() => killStarted());

describe('--run-tasks', () => {
  it('runs each listed test case once with the Go names, prints each outcome (the mined one too) and exits 0', async () => {
    const worker = startProcess(
      process.execPath,
      [CLI, '-tc', 'transferSignedTx,readBlockNumber', '--run-tasks', 'transferSignedTx,readBlockNumber', '-endpoint', chain.url],
      { env: { KLAYWORKER_KEY: chain.richKey } },
    );
    const out: string[] = [];
    worker.child.stdout!.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    expect(await worker.exited(60_000), worker.output().slice(-1500)).toBe(0);
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(3);
    const send = lines.findIndex((l) => /^valueTransfer · eth_sendRawTransaction: ok in \d+ ms$/.test(l));
    const mined = lines.findIndex((l) => /^valueTransfer · mined: ok in \d+ ms$/.test(l));
    expect(lines.filter((l) => /^blockNumber · eth_blockNumber: ok in \d+ ms$/.test(l))).toHaveLength(1);
    expect(send).toBeGreaterThanOrEqual(0);
    // The mined outcome comes from the chain, after the send.
    expect(mined).toBeGreaterThan(send);
  }, 90_000);

  it('prints a failure with its message and exits 1', async () => {
    const worker = startProcess(process.execPath, [CLI, '--run-tasks', 'gasPrice,blockNumber', '--endpoint', broken.url]);
    const out: string[] = [];
    worker.child.stdout!.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    expect(await worker.exited(30_000), worker.output().slice(-1500)).toBe(1);
    expect(out.join('').trim().split('\n')).toEqual([
      expect.stringMatching(/^gasPrice · eth_gasPrice: ok in \d+ ms$/),
      expect.stringMatching(/^blockNumber · eth_blockNumber: FAILED after \d+ ms: .*no head/),
    ]);
    expect(broken.requests.filter((r) => r.method === 'eth_blockNumber')).toHaveLength(1);
  }, 60_000);
});

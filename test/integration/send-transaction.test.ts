/**
 * sendUnderLease against a scripted node: what each kind of send reply does to the stats and
 * to the nonce the account uses next.
 */
import type { ServerResponse } from 'node:http';

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FeeOracle } from '../../src/chain/chain-context.js';
import { InclusionTracker } from '../../src/chain/inclusion/inclusion-tracker.js';
import { NonceManager } from '../../src/chain/nonce-manager.js';
import { sendUnderLease } from '../../src/chain/send-transaction.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { User } from '../../src/runner/task.js';
import type { Recorder } from '../../src/stats/recorder.js';
import { type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';

/** 'accept': the node answers with the transaction's hash. */
type Reply = 'accept' | { result: unknown } | { error: { code: number; message: string } } | 'hang';

let server: FakeRpcServer;
let pendingCount = 0;
let nextReply: Reply = { result: null };
/** Each signed transaction's bytes are unique, and its hash is its bytes padded to 32 bytes. */
const hashOf = (raw: string) => `0x${raw.slice(2).padStart(64, '0')}`;

beforeAll(async () => {
  server = await startFakeRpcServer((req: RpcRequest, res: ServerResponse) => {
    const id = JSON.stringify(req.id);
    if (req.method === 'eth_getTransactionCount') return replyJson(res, `{"jsonrpc":"2.0","id":${id},"result":"0x${pendingCount.toString(16)}"}`);
    if (nextReply === 'hang') return; // never answers: the client's timeout fires
    const reply = nextReply === 'accept' ? { result: hashOf((req.params as string[])[0]!) } : nextReply;
    replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, ...reply }));
  });
});
afterAll(async () => {
  await server.close();
});

function recordingUser() {
  const records: string[] = [];
  const recorder: Recorder = {
    success: (type, name, _ms, bytes) => records.push(`success ${type} ${name} ${bytes > 0 ? 'bytes' : 'no-bytes'}`),
    failure: (type, name, _ms, error) => records.push(`failure ${type} ${name}: ${error}`),
  };
  const user: User = { id: 0, recorder, signal: new AbortController().signal };
  return { user, records };
}

describe('sendUnderLease', () => {
  it('moves the nonce on only for transactions the pool holds, resyncs when unsure, and hands the accepted ones to the tracker', async () => {
    // One deadline for every call, the hung one included: long enough that none of the others
    // reaches it on a busy machine (400 ms calls have, elsewhere in CI beside CPU hogs).
    const rpc = new JsonRpcClient(server.url, { timeoutMs: 1_500 });
    // Not started: these sends are never mined, so the tracker only counts what was accepted.
    const tracker = new InclusionTracker({
      rpc,
      namespace: 'eth',
      log: pino({ level: 'silent' }),
      recorder: { success: () => undefined, successes: () => undefined, failure: () => undefined },
      receiptTimeoutMs: 60_000,
    });
    let signed = 0;
    const nonces = new NonceManager([{ address: '0xa' }], async (address) => {
      const { result } = await rpc.call('eth_getTransactionCount', [address, 'pending']);
      return Number(result);
    });
    let refreshes = 0;
    const fees = { refresh: () => (refreshes++, Promise.resolve()), current: () => ({ type: 'legacy', gasPrice: 1n }) } as unknown as FeeOracle;
    const { user, records } = recordingUser();
    const used: number[] = [];
    const send = async (reply: Reply) => {
      nextReply = reply;
      const lease = (await nonces.lease())!;
      return sendUnderLease({
        user,
        rpc,
        lease,
        fees,
        tracker,
        label: { type: 'eth_sendRawTransaction', name: 'tc' },
        method: 'eth_sendRawTransaction',
        sign: (nonce) => {
          used.push(nonce);
          const raw = `0x${(++signed).toString(16).padStart(4, '0')}${nonce.toString(16).padStart(4, '0')}`;
          return { raw, hash: hashOf(raw) };
        },
      });
    };
    const countReads = () => server.requests.filter((r) => r.method === 'eth_getTransactionCount').length;

    pendingCount = 5;
    expect(await send('accept')).toMatchObject({ accepted: true, hash: hashOf('0x00010005') });
    expect(await send({ error: { code: -32000, message: 'already known' } })).toMatchObject({ accepted: true, hash: hashOf('0x00020006') });
    expect(await send({ error: { code: -32000, message: 'txpool is full' } })).toEqual({ accepted: false, reason: 'overloaded' });
    expect(used).toEqual([5, 6, 7]);
    expect(countReads()).toBe(1);

    // The pool refused 7 outright, so 7 is used again; it turns out to be taken: resync.
    pendingCount = 9;
    expect(await send({ error: { code: -32000, message: 'nonce too low' } })).toEqual({ accepted: false, reason: 'stale-nonce' });
    expect(await send('accept')).toMatchObject({ accepted: true });
    expect(used).toEqual([5, 6, 7, 7, 9]);

    // A timeout: the tx may or may not be in the pool, so the next use reads the count again.
    pendingCount = 11;
    expect(await send('hang')).toEqual({ accepted: false, reason: 'uncertain' });
    expect(await send({ error: { code: -32000, message: 'transaction underpriced' } })).toEqual({ accepted: false, reason: 'underpriced' });
    expect(refreshes).toBe(1);
    pendingCount = 12;
    expect(await send({ result: 'not a hash' })).toEqual({ accepted: false, reason: 'rejected' });
    pendingCount = 13;
    expect(await send('accept')).toMatchObject({ accepted: true });
    expect(used).toEqual([5, 6, 7, 7, 9, 10, 11, 12, 13]);
    expect(countReads()).toBe(5);

    expect(records).toEqual([
      'success eth_sendRawTransaction tc bytes',
      'success eth_sendRawTransaction tc no-bytes',
      'failure eth_sendRawTransaction tc: JSON-RPC error -32000: txpool is full',
      'failure eth_sendRawTransaction tc: JSON-RPC error -32000: nonce too low',
      'success eth_sendRawTransaction tc bytes',
      'failure eth_sendRawTransaction tc: timeout after 1500 ms',
      'failure eth_sendRawTransaction tc: JSON-RPC error -32000: transaction underpriced',
      'failure eth_sendRawTransaction tc: invalid eth_sendRawTransaction result: not a transaction hash',
      'success eth_sendRawTransaction tc bytes',
    ]);
    // Every lease was released: the one account is free again.
    expect(nonces.freeCount).toBe(1);
    // Accepted: the two answered with a hash, "already known", and the two after the resyncs.
    expect(tracker.counts()).toEqual({ accepted: 4, mined: 0, dropped: 0, unresolved: 4, resent: 0 });
    await tracker.close();
    await rpc.close();
  });

  it('records a failed nonce read as a failure of the test case and leaves the account free', async () => {
    const rpc = new JsonRpcClient(server.url, { timeoutMs: 300 });
    const nonces = new NonceManager([{ address: '0xa' }], () => Promise.reject(new Error('timeout after 300 ms')));
    const { user, records } = recordingUser();
    const lease = (await nonces.lease())!;
    const result = await sendUnderLease({
      user,
      rpc,
      lease,
      fees: {} as FeeOracle,
      tracker: new InclusionTracker({
        rpc,
        namespace: 'eth',
        log: pino({ level: 'silent' }),
        recorder: { success: () => undefined, successes: () => undefined, failure: () => undefined },
        receiptTimeoutMs: 60_000,
      }),
      label: { type: 'eth_sendRawTransaction', name: 'tc' },
      method: 'eth_sendRawTransaction',
      sign: () => {
        throw new Error('must not sign without a nonce');
      },
    });
    expect(result).toEqual({ accepted: false, reason: 'nonce-read' });
    expect(records).toEqual(['failure eth_sendRawTransaction tc: nonce read failed: timeout after 300 ms']);
    expect(nonces.freeCount).toBe(1);
    await rpc.close();
  });
});

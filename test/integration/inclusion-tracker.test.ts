/**
 * The inclusion tracker against a scripted chain whose blocks, pool and nonces the test
 * controls: every way a transaction can end (mined, seen before its send answered, dropped,
 * replaced, starved and re-sent, unresolved at the end of a test), what is recorded, and the
 * counts that must always add up.
 */
import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { InclusionTracker } from '../../src/chain/inclusion/inclusion-tracker.js';
import { planAfter } from '../../src/chain/inclusion/node-checks.js';
import { MINED_TYPE, type NonceAccount, type NoncePlan, type Settlement } from '../../src/chain/inclusion/types.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { BatchRecorder, Recorder } from '../../src/stats/recorder.js';
import { type FakeRpcOptions, type FakeRpcServer, replyJson, type RpcRequest, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { eventually } from '../support/processes.js';

const silent = pino({ level: 'silent' });
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

/** A chain whose next block holds what the test says; every head read sees the blocks made so far. */
class ScriptedChain {
  readonly blocks: string[][] = [[]];
  /** Transactions the node holds but has not mined. */
  readonly pool = new Set<string>();
  /** The chain's nonce per address ('latest'). */
  readonly latest = new Map<string, number>();
  /** While set, transaction lookups are answered only once it resolves (with the pool as it is then). */
  lookupsHeld: Promise<void> | null = null;
  /** While set, transaction lookups are answered with a JSON-RPC error (a node too busy to answer). */
  lookupsFail = false;
  /** Called with each looked-up hash before it is answered (the chain may move meanwhile). */
  onLookup: ((hash: string) => void) | null = null;
  /** Blocks list whole transactions, as a node that ignores getBlockByNumber's `false` does. */
  wholeTransactions = false;
  /** The base fee of the blocks made from now on. */
  baseFee = 1n;
  readonly baseFees: bigint[] = [1n];
  server!: FakeRpcServer;

  async start(options: FakeRpcOptions = {}): Promise<string> {
    this.server = await startFakeRpcServer((req, res) => {
      const p = (req.params ?? []) as unknown[];
      let result: unknown = null;
      switch (req.method) {
        case 'eth_blockNumber':
          result = `0x${(this.blocks.length - 1).toString(16)}`;
          break;
        case 'eth_getBlockByNumber': {
          const n = Number(p[0]);
          const txs = this.blocks[n];
          result =
            txs === undefined
              ? null
              : {
                  number: p[0],
                  transactions: this.wholeTransactions ? txs.map((h) => ({ hash: h, nonce: '0x0' })) : txs,
                  baseFeePerGas: `0x${this.baseFees[n]!.toString(16)}`,
                  gasUsed: '0x0',
                  gasLimit: '0x1c9c380',
                };
          break;
        }
        case 'eth_getTransactionByHash': {
          if (this.lookupsFail) {
            replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, error: { code: -32000, message: 'server busy' } }));
            return;
          }
          if (this.lookupsHeld !== null) {
            const held = this.lookupsHeld;
            this.lookupsHeld = null;
            void held.then(() => {
              const h = String(p[0]);
              const known = this.blocks.some((b) => b.includes(h)) || this.pool.has(h);
              replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, result: known ? { hash: h, blockNumber: null } : null }));
            });
            return;
          }
          const h = String(p[0]);
          this.onLookup?.(h);
          const at = this.blocks.findIndex((b) => b.includes(h));
          result = at >= 0 ? { hash: h, blockNumber: `0x${at.toString(16)}` } : this.pool.has(h) ? { hash: h, blockNumber: null } : null;
          break;
        }
        case 'eth_getTransactionCount':
          result = `0x${(this.latest.get(String(p[0])) ?? 0).toString(16)}`;
          break;
      }
      replyJson(res, JSON.stringify({ jsonrpc: '2.0', id: req.id, result }));
    }, options);
    return this.server.url;
  }

  /** A new block holding `hashes` (taken out of the pool). */
  mine(...hashes: string[]): void {
    for (const h of hashes) this.pool.delete(h);
    this.blocks.push(hashes);
    this.baseFees.push(this.baseFee);
  }
}

class FakeAccount implements NonceAccount {
  trackedBy: object | undefined = undefined;
  trackerId = -1;
  pending = 0;
  readonly plans: NoncePlan[] = [];
  readonly resends: number[] = [];
  readonly cancelled: number[] = [];
  constructor(readonly address: string) {}
  pendingAdded(): void {
    this.pending++;
  }
  pendingSettled(): void {
    this.pending--;
  }
  heal(replan: () => Promise<NoncePlan>): void {
    // As the nonce manager does, a replan that fails (its node reads, e.g. once the test has
    // closed the client) is dropped: the next check asks again.
    void replan().then(
      (plan) => this.plans.push(plan),
      () => undefined,
    );
  }
  resend(nonce: number): void {
    this.resends.push(nonce);
  }
  cancelResend(nonce: number): void {
    this.cancelled.push(nonce);
  }
}

interface Row {
  ok: boolean;
  type: string;
  name: string;
  ms: number;
  error?: string;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setUp(options: FakeRpcOptions & { log?: Logger } = {}) {
  const chain = new ScriptedChain();
  const url = await chain.start(options);
  const rpc = new JsonRpcClient(url, { timeoutMs: 2_000 });
  const rows: Row[] = [];
  const recorder: BatchRecorder = {
    success: (type, name, ms) => rows.push({ ok: true, type, name, ms }),
    successes: (type, name, times) => times.forEach((ms) => rows.push({ ok: true, type, name, ms })),
    failure: (type, name, ms, error) => rows.push({ ok: false, type, name, ms, error }),
  };
  const tracker = new InclusionTracker({ rpc, namespace: 'eth', log: options.log ?? silent, recorder, receiptTimeoutMs: 60_000, pollMs: 10 });
  cleanup.push(async () => {
    await tracker.close();
    await rpc.close();
    await chain.server.close();
  });
  await tracker.start();
  tracker.open();
  /** Waits until the tracker has read every block made so far. */
  const seen = async () => {
    const height = chain.blocks.length - 1;
    const reads = () => chain.server.requests.filter((r) => r.method === 'eth_getBlockByNumber' && Number((r.params as unknown[])[0]) === height).length;
    await eventually(() => (reads() > 0 ? true : undefined), 5_000, `block ${height} read`, 5);
    // The read is answered and handled within a few polls.
    const before = chain.server.requests.length;
    await eventually(() => (chain.server.requests.length > before + 2 ? true : undefined), 5_000, 'two more polls', 5);
  };
  return { chain, tracker, rows, seen };
}

describe('InclusionTracker', () => {
  it('records a mined transaction once under type mined, timed from its send to the block, and counts it', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const settled: Settlement[] = [];
    const sentAt = performance.now();
    tracker.expect({ hash: hash(1), account, nonce: 0, name: 'valueTransfer', onSettled: (s) => void settled.push(s), maxPrice: 10n }).accepted(hash(1));
    chain.pool.add(hash(1));
    expect(account.pending).toBe(1);
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 0, dropped: 0, unresolved: 1, resent: 0 });
    chain.mine(hash(1));
    await seen();
    const elapsed = performance.now() - sentAt;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ok: true, type: MINED_TYPE, name: 'valueTransfer' });
    expect(rows[0]!.ms).toBeGreaterThan(0);
    expect(rows[0]!.ms).toBeLessThanOrEqual(elapsed);
    expect(settled).toEqual([expect.objectContaining({ kind: 'mined', blockNumber: 1, hash: hash(1) })]);
    expect(account.pending).toBe(0);
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 0 });
    // A later block holding the same hash again changes nothing.
    chain.mine(hash(1));
    await seen();
    expect(rows).toHaveLength(1);
  });

  it("times a transaction from its send's own clock read, and takes it by its bytes as by its text", async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    // The send's clock read, 5 s before: the mined row's time counts from it, not from expect().
    const sentAt = performance.now() - 5_000;
    const digest = Buffer.from(hash(2).slice(2), 'hex');
    tracker.expect({ hash: hash(2), digest, account, nonce: 0, name: 'tc', maxPrice: 10n, sentAt }).accepted(hash(2));
    chain.mine(hash(2));
    await seen();
    expect(rows).toEqual([expect.objectContaining({ ok: true, type: MINED_TYPE, name: 'tc' })]);
    expect(rows[0]!.ms).toBeGreaterThanOrEqual(5_000);
    expect(rows[0]!.ms).toBeLessThanOrEqual(performance.now() - sentAt);
  });

  it('matches a block that writes its hashes in upper case, and tells the settlement in lower case', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const settled: Settlement[] = [];
    const [one, two] = [hash(0xabcdef), hash(0xfedcba)];
    tracker.expect({ hash: one, account, nonce: 0, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n }).accepted(one);
    // The second is in a block before its send is answered (a node that mines at once).
    const ticket = tracker.expect({ hash: two, account, nonce: 1, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n });
    chain.mine(`0x${one.slice(2).toUpperCase()}`, `0x${two.slice(2).toUpperCase()}`);
    await seen();
    ticket.accepted(two);
    expect(rows.map((r) => r.ok)).toEqual([true, true]);
    expect(settled).toEqual([expect.objectContaining({ kind: 'mined', hash: one }), expect.objectContaining({ kind: 'mined', hash: two })]);
    expect(tracker.counts()).toMatchObject({ accepted: 2, mined: 2, unresolved: 0 });
  });

  it('settles every transaction of a block of 3,000, its reply read off the bytes, and of a block that lists whole transactions', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const accounts = Array.from({ length: 30 }, (_, i) => new FakeAccount(`0x${i.toString(16)}`));
    const sent = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const h = hash(1_000_000 + from + i);
        tracker.expect({ hash: h, account: accounts[i % 30]!, nonce: Math.floor((from + i) / 30), name: 'tc', maxPrice: 10n }).accepted(h);
        return h;
      });
    const big = sent(0, 3000);
    // A hash of no transaction of ours among them matches nothing.
    chain.mine(...big.slice(0, 1500), hash(999), ...big.slice(1500));
    await seen();
    expect(rows.filter((r) => r.ok && r.type === MINED_TYPE)).toHaveLength(3000);
    chain.wholeTransactions = true;
    chain.mine(...sent(3000, 30));
    await seen();
    expect(rows.filter((r) => r.ok && r.type === MINED_TYPE)).toHaveLength(3030);
    expect(tracker.counts()).toEqual({ accepted: 3030, mined: 3030, dropped: 0, unresolved: 0, resent: 0 });
  });

  it('says whether the chain left an accepted transaction behind: unmined though a block built after its send did not take it', async () => {
    const { chain, tracker, seen } = await setUp();
    const account = new FakeAccount('0xa');
    // Sent, not yet answered: the node may not hold it yet, so it was left behind by nobody.
    const unanswered = tracker.expect({ hash: hash(7), account: new FakeAccount('0xb'), nonce: 0, name: 'tc', maxPrice: 10n });
    tracker.expect({ hash: hash(8), account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(8));
    chain.pool.add(hash(8));
    // Sent before block 1 was seen: block 1, even block 2 had the worker seen 1 late, may have
    // been built before the send; block 3 was not.
    expect(tracker.leftBehind(1)).toBe(false);
    expect(tracker.leftBehind(2)).toBe(false);
    expect(tracker.leftBehind(3)).toBe(true);
    chain.mine();
    chain.mine();
    chain.mine(hash(8));
    await seen();
    expect(tracker.counts().mined).toBe(1);
    expect(tracker.leftBehind(3)).toBe(false);
    unanswered.refused();
  });

  it('settles a transaction a block held before its send was answered, when the answer comes', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const ticket = tracker.expect({ hash: hash(2), account: new FakeAccount('0xa'), nonce: 0, name: 'tc', maxPrice: 10n });
    chain.mine(hash(2));
    await seen();
    expect(rows).toEqual([]);
    ticket.accepted(hash(2));
    expect(rows).toMatchObject([{ ok: true, type: MINED_TYPE }]);
    expect(tracker.counts()).toMatchObject({ accepted: 1, mined: 1 });
  });

  it('follows the node’s hash when it differs from the one computed at signing', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    tracker.expect({ hash: hash(3), account: new FakeAccount('0xa'), nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(33));
    chain.mine(hash(33));
    await seen();
    expect(rows).toMatchObject([{ ok: true }]);
  });

  it.each([
    ['in one batch', 'answered', ''],
    ['one call at a time, by a node that takes no batches', 'refused', 'JSON-RPC error -32600: batch requests are not supported'],
    ['one call at a time, by a node that fails each call of a batch', 'each refused', 'JSON-RPC error -32005: batch size too large'],
  ] as const)(
    'a transaction the node forgets is a failure of the mined row once its account stalls, and the account is healed from the chain (asked %s)',
    async (_, batches, refusal) => {
      const lines: string[] = [];
      const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      const { chain, tracker, rows, seen } = await setUp({ batches, log });
      const account = new FakeAccount('0xa');
      const other = new FakeAccount('0xb');
      // Nonces 4, 5, 6 accepted; the node then drops 4 (6 stays in its pool, queued behind the gap).
      for (const n of [4, 5, 6]) tracker.expect({ hash: hash(40 + n), account, nonce: n, name: 'tc', maxPrice: 10n }).accepted(hash(40 + n));
      chain.pool.add(hash(46));
      chain.latest.set('0xa', 4);
      // Blocks come (other accounts' transactions fill them); this account makes no progress.
      for (let i = 0; i < 4; i++) {
        chain.mine(hash(900 + i));
        await seen();
      }
      await eventually(() => (account.plans.length > 0 ? true : undefined), 5_000, 'a heal');
      expect(rows.filter((r) => !r.ok).map((r) => r.error)).toEqual([
        'dropped: the node no longer knows it (evicted from its pool)',
        'dropped: the node no longer knows it (evicted from its pool)',
      ]);
      // 4 and 5 are to be filled again; 6, still held, is kept, and the sequence goes on after it.
      // (While nobody fills the gaps, a later check finds them again and gives the same plan.)
      expect(account.plans[0]).toEqual({ holes: [4, 5], next: 7 });
      for (const plan of account.plans) expect(plan).toEqual(account.plans[0]);
      expect(account.pending).toBe(1);
      expect(other.pending).toBe(0);
      expect(tracker.counts()).toEqual({ accepted: 3, mined: 0, dropped: 2, unresolved: 1, resent: 0 });
      const said = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((msg) => msg.includes('batch'));
      const asked = (r: RpcRequest) => (r.method === 'eth_getTransactionCount' ? 'count' : String((r.params as unknown[])[0]));
      if (batches === 'answered') {
        // The heal asks about the account's backlog, and the chain's nonce, in one request.
        expect(chain.server.batches.map((b) => b.map(asked))).toContainEqual([hash(45), hash(46), 'count']);
        expect(said()).toEqual([]);
      } else {
        // Asked in a batch once (the first check); then one call at a time.
        expect(chain.server.batches).toHaveLength(1);
        expect(said()).toEqual([`the node refuses JSON-RPC batches (${refusal}): the tracker asks about transactions one call at a time`]);
      }
    },
  );

  it('a heal plans from the chain as it is after its lookups: what a block mined meanwhile is not sent again', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    // 4 is dropped; 5 and 6 wait in the pool behind it.
    for (const n of [4, 5, 6]) tracker.expect({ hash: hash(40 + n), account, nonce: n, name: 'tc', maxPrice: 10n }).accepted(hash(40 + n));
    chain.pool.add(hash(45)).add(hash(46));
    chain.latest.set('0xa', 4);
    // While the heal asks about 5 (4 is settled by then), a block mines 4's replacement, 5 and 6.
    chain.onLookup = (h) => {
      if (h !== hash(45)) return;
      chain.onLookup = null;
      chain.mine(hash(44_4), hash(45), hash(46));
      chain.latest.set('0xa', 7);
    };
    for (let i = 0; i < 4 && account.plans.length === 0; i++) {
      chain.mine(hash(900 + i));
      await seen();
    }
    await eventually(() => (account.plans.length > 0 ? true : undefined), 5_000, 'a heal');
    // Sending at 4, 5 or 6 now would be refused as "nonce too low".
    expect(account.plans[0]).toEqual({ holes: [], next: 7 });
    expect(rows.map((r) => r.ok)).toEqual([false, true, true]);
    expect(tracker.counts()).toEqual({ accepted: 3, mined: 2, dropped: 1, unresolved: 0, resent: 0 });
  });

  it('a transaction whose nonce the chain moved past without it was replaced', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    tracker.expect({ hash: hash(7), account, nonce: 7, name: 'tc', maxPrice: 10n }).accepted(hash(7));
    chain.latest.set('0xa', 8);
    for (let i = 0; i < 4 && rows.length === 0; i++) {
      chain.mine();
      await seen();
    }
    await eventually(() => (rows.length > 0 ? true : undefined), 5_000, 'the settlement');
    expect(rows).toMatchObject([{ ok: false, error: 'replaced: its nonce was mined by another transaction' }]);
    // The heal reads the chain after the settlement: wait for its plan.
    await eventually(() => (account.plans.length > 0 ? true : undefined), 5_000, 'the heal');
    expect(account.plans).toEqual([{ holes: [], next: 8 }]);
  });

  it('a check the node does not answer proves nothing: it is asked again a block later, and the log says so once', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const { chain, tracker, rows, seen } = await setUp({ log });
    const account = new FakeAccount('0xa');
    // Accepted, then gone from the pool: a drop, once the node is asked.
    tracker.expect({ hash: hash(7), account, nonce: 7, name: 'tc', maxPrice: 10n }).accepted(hash(7));
    chain.latest.set('0xa', 7);
    chain.lookupsFail = true;
    const warned = () => lines.filter((l) => l.includes('the node did not answer a check')).length;
    for (let i = 0; i < 3; i++) {
      chain.mine();
      await seen();
    }
    await eventually(() => (warned() > 0 ? true : undefined), 5_000, 'the warning');
    const asked = chain.server.requests.filter((r) => r.method === 'eth_getTransactionByHash').length;
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(rows).toEqual([]);
    expect(account.pending).toBe(1);
    chain.lookupsFail = false;
    for (let i = 0; i < 4 && rows.length === 0; i++) {
      chain.mine();
      await seen();
    }
    await eventually(() => (rows.length > 0 ? true : undefined), 5_000, 'the settlement');
    expect(rows).toMatchObject([{ ok: false, error: 'dropped: the node no longer knows it (evicted from its pool)' }]);
    expect(account.pending).toBe(0);
    await eventually(() => (account.plans.length > 0 ? true : undefined), 5_000, 'the heal');
    expect(warned()).toBe(1);
  });

  it('while a re-send awaits the node’s answer the transaction is not declared dropped: the node may not know the new hash yet', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    tracker.expect({ hash: hash(60), account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(60));
    // Its re-send is on its way; the node no longer holds the first, and has not yet taken the second.
    const resend = tracker.expect({ hash: hash(61), account, nonce: 0, name: 'tc', maxPrice: 20n });
    chain.latest.set('0xa', 0);
    for (let i = 0; i < 6; i++) {
      chain.mine(hash(960 + i));
      await seen();
    }
    // (A check that concluded here once recorded a drop; the re-send, answered after, was then
    // followed by nobody, and the chain held one transaction more than the mined count.)
    expect(rows).toEqual([]);
    resend.accepted(hash(61));
    chain.mine(hash(61));
    await seen();
    await eventually(() => (rows.length > 0 ? true : undefined), 5_000, 'the settlement');
    expect(rows).toMatchObject([{ ok: true, type: 'mined' }]);
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 1 });
  });

  it('a held transaction that starves is re-sent with its account’s backlog, and counts once, under the hash the chain holds', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const settled: Settlement[] = [];
    for (const n of [0, 1]) {
      tracker.expect({ hash: hash(60 + n), account, nonce: n, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n }).accepted(hash(60 + n));
      chain.pool.add(hash(60 + n));
    }
    // Waiting is not starving while nothing newer pays more: no re-send could overtake.
    for (let i = 0; i < 4; i++) {
      chain.mine(hash(980 + i));
      await seen();
    }
    expect(account.resends).toEqual([]);
    // Newer transactions pay 10 % more: the account's backlog is outbid.
    tracker.expect({ hash: hash(69), account: new FakeAccount('0xb'), nonce: 0, name: 'tc', maxPrice: 11n }).refused();
    for (let i = 0; i < 6 && account.resends.length === 0; i++) {
      chain.mine(hash(990 + i));
      await seen();
    }
    await eventually(() => (account.resends.length > 0 ? true : undefined), 5_000, 'a re-send');
    // Both nonces, and nothing else. A check asks again each time it finds them starving (the
    // nonce manager keeps one ask a nonce); on a busy machine the loop above can mine past the
    // next check before the first one's answer is in (seen in CI: [0, 1, 0, 1]).
    expect([...new Set(account.resends)]).toEqual([0, 1]);
    // The re-send of nonce 0 joins its entry: no new count, no new pending.
    tracker.expect({ hash: hash(70), account, nonce: 0, name: 'tc', maxPrice: 11n }).accepted(hash(70));
    expect(tracker.counts()).toEqual({ accepted: 2, mined: 0, dropped: 0, unresolved: 2, resent: 1 });
    expect(account.pending).toBe(2);
    chain.mine(hash(70), hash(61));
    await seen();
    expect(rows.map((r) => r.ok)).toEqual([true, true]);
    expect(settled).toMatchObject([
      { kind: 'mined', hash: hash(70) },
      { kind: 'mined', hash: hash(61) },
    ]);
    // Nonce 1 was mined as first sent: its re-send is called off.
    expect(account.cancelled).toEqual([1]);
    expect(tracker.counts()).toEqual({ accepted: 2, mined: 2, dropped: 0, unresolved: 0, resent: 1 });
  });

  describe('transactions the node signs (their hash known only from the answer)', () => {
    it('are settled when a block held them before the node answered, and followed from the answer otherwise', async () => {
      const { chain, tracker, rows, seen } = await setUp();
      const account = new FakeAccount('0xa');
      const settled: Settlement[] = [];
      const early = tracker.expect({ hash: null, account, nonce: 0, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n });
      const late = tracker.expect({ hash: null, account, nonce: 1, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n });
      // The node mines the first before answering its send; blocks of others come too.
      chain.mine(hash(900), hash(100));
      chain.mine(hash(901));
      await seen();
      expect(rows).toEqual([]);
      early.accepted(hash(100));
      expect(rows).toMatchObject([{ ok: true, type: MINED_TYPE, name: 'tc' }]);
      expect(settled).toMatchObject([{ kind: 'mined', blockNumber: 1, hash: hash(100) }]);
      // The second is answered first and mined after: followed by the node's hash as usual.
      late.accepted(hash(101));
      expect(account.pending).toBe(1);
      chain.mine(hash(101));
      await seen();
      expect(settled).toMatchObject([{ kind: 'mined' }, { kind: 'mined', blockNumber: 3, hash: hash(101) }]);
      expect(tracker.counts()).toEqual({ accepted: 2, mined: 2, dropped: 0, unresolved: 0, resent: 0 });
      expect(account.pending).toBe(0);
    });

    it('one without an answer, or refused, is not followed: nothing counts it and its account holds nothing', async () => {
      const { chain, tracker, rows, seen } = await setUp();
      const account = new FakeAccount('0xa');
      tracker.expect({ hash: null, account, nonce: 0, name: 'tc', maxPrice: 10n }).refused();
      tracker.expect({ hash: null, account, nonce: 0, name: 'tc', maxPrice: 10n }).uncertain();
      // A later send at the same nonce is a first send again, not a re-send of a held one.
      tracker.expect({ hash: null, account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(110));
      chain.mine(hash(110));
      await seen();
      expect(rows).toMatchObject([{ ok: true }]);
      expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 0 });
      expect(account.pending).toBe(0);
    });

    it('a re-send is no drop while its answer is awaited, though the node no longer knows the hash it replaced; mined before the answer, it counts once', async () => {
      const { chain, tracker, rows, seen } = await setUp();
      const account = new FakeAccount('0xa');
      const settled: Settlement[] = [];
      tracker.expect({ hash: null, account, nonce: 0, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n }).accepted(hash(120));
      chain.latest.set('0xa', 0);
      // The re-send at nonce 0 replaces 120 in the pool at once; its answer is slow.
      const resend = tracker.expect({ hash: null, account, nonce: 0, name: 'tc', maxPrice: 20n });
      for (let i = 0; i < 4; i++) {
        chain.mine(hash(910 + i));
        await seen();
      }
      chain.mine(hash(121));
      chain.latest.set('0xa', 1);
      await seen();
      expect(rows).toEqual([]);
      expect(account.plans).toEqual([]);
      resend.accepted(hash(121));
      expect(rows).toMatchObject([{ ok: true, type: MINED_TYPE }]);
      expect(settled).toMatchObject([{ kind: 'mined', hash: hash(121) }]);
      expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 1 });
      expect(account.pending).toBe(0);
    });
  });

  it('a transaction refused by the node is forgotten; one whose send had no answer holds a --max-pending place, and counts only if a block holds it', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const first = tracker.expect({ hash: hash(80), account, nonce: 0, name: 'tc', maxPrice: 10n });
    // A send holds its account's --max-pending place from its start: the pool may take it.
    expect(account.pending).toBe(1);
    first.refused();
    expect(account.pending).toBe(0);
    tracker.expect({ hash: hash(81), account, nonce: 0, name: 'tc', maxPrice: 10n }).uncertain();
    tracker.expect({ hash: hash(82), account, nonce: 1, name: 'tc', maxPrice: 10n }).uncertain();
    expect(tracker.counts()).toEqual({ accepted: 0, mined: 0, dropped: 0, unresolved: 0, resent: 0 });
    chain.mine(hash(80), hash(81));
    await seen();
    expect(rows).toMatchObject([{ ok: true }]);
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 0 });
    // The other unanswered send may be in the node's pool all the same: it holds its account's
    // --max-pending place until the node, asked after a block without it, does not know it.
    expect(account.pending).toBe(1);
    chain.mine();
    await seen();
    await eventually(() => (account.pending === 0 ? true : undefined), 10_000, 'the unanswered send to leave the books', 20);
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 0 });
  });

  it('an account is followed by one tracker: its record rides on its handle, and a second tracker given it says so', async () => {
    const first = await setUp();
    const second = await setUp();
    const account = new FakeAccount('0xa');
    first.tracker.expect({ hash: hash(90), account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(90));
    first.tracker.expect({ hash: hash(91), account, nonce: 1, name: 'tc', maxPrice: 10n }).accepted(hash(91));
    expect(account.trackerId).toBe(0);
    expect(account.pending).toBe(2);
    expect(() => second.tracker.expect({ hash: hash(92), account, nonce: 2, name: 'tc', maxPrice: 10n })).toThrow(
      'account 0xa is followed by two inclusion trackers (one a process)',
    );
    first.chain.mine(hash(90), hash(91));
    await first.seen();
    expect(first.tracker.counts()).toEqual({ accepted: 2, mined: 2, dropped: 0, unresolved: 0, resent: 0 });
    expect(second.tracker.counts()).toEqual({ accepted: 0, mined: 0, dropped: 0, unresolved: 0, resent: 0 });
  });

  it('a drain waits for the test’s transactions; what is still open then is unresolved, recorded nowhere, and still counted if mined later', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const settled: Settlement[] = [];
    for (const n of [0, 1])
      tracker.expect({ hash: hash(90 + n), account, nonce: n, name: 'tc', onSettled: (s) => void settled.push(s), maxPrice: 10n }).accepted(hash(90 + n));
    chain.pool.add(hash(91));
    // The first is mined while the drain waits. The drain is long enough for the tracker to see
    // that block on a busy machine (at 400 ms, once in CI beside CPU hogs, it did not).
    setTimeout(() => chain.mine(hash(90)), 50);
    const started = performance.now();
    await tracker.drain(1_500);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_490);
    expect(settled).toMatchObject([{ kind: 'mined' }, { kind: 'unresolved' }]);
    expect(tracker.counts()).toEqual({ accepted: 2, mined: 1, dropped: 0, unresolved: 1, resent: 0 });

    // The next test: the old transaction is mined now; it is counted, but not recorded in it.
    tracker.open();
    chain.mine(hash(91));
    await seen();
    expect(rows).toHaveLength(1);
    expect(tracker.counts()).toEqual({ accepted: 2, mined: 2, dropped: 0, unresolved: 0, resent: 0 });
    expect(settled).toHaveLength(2);

    // A drain with nothing of its test open returns at once.
    const quick = performance.now();
    await tracker.drain(10_000);
    expect(performance.now() - quick).toBeLessThan(1_000);
  });

  it('while a stopped test drains, a stalled account’s transactions re-send themselves (no user is left to), and each still counts once', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const resendRecorders: Recorder[] = [];
    // What sendUnderLease's re-send does: a new signature at the nonce asked, accepted by the node.
    const resend = (n: number, _paid: bigint, recorder: Recorder) => {
      resendRecorders.push(recorder);
      tracker.expect({ hash: hash(120 + n), account, nonce: n, name: 'tc', maxPrice: 20n }).accepted(hash(120 + n));
      recorder.success('eth_sendRawTransaction', 'tc', 1, 0);
      chain.pool.delete(hash(110 + n));
      chain.pool.add(hash(120 + n));
    };
    for (const n of [0, 1]) {
      tracker.expect({ hash: hash(110 + n), account, nonce: n, name: 'tc', maxPrice: 10n, resend }).accepted(hash(110 + n));
      chain.pool.add(hash(110 + n));
    }
    const drained = tracker.drain(20_000);
    // Blocks go by without them (other senders' transactions fill them): the account stalls.
    for (let i = 0; i < 8 && resendRecorders.length < 2; i++) {
      chain.mine(hash(1000 + i));
      await seen();
    }
    await eventually(() => (resendRecorders.length >= 2 ? true : undefined), 5_000, 'both re-sent');
    // Sent through the tracker's own recorder (the process's stats), not a stopped user's.
    expect(rows.filter((r) => r.type === 'eth_sendRawTransaction')).toHaveLength(resendRecorders.length);
    chain.mine(hash(120), hash(121));
    await drained;
    expect(tracker.counts()).toEqual({ accepted: 2, mined: 2, dropped: 0, unresolved: 0, resent: 2 });
    expect(rows.filter((r) => r.type === MINED_TYPE).map((r) => r.ok)).toEqual([true, true]);
    // The lease-based re-send is not asked for: nobody would take it.
    expect(account.resends).toEqual([]);
  });

  it('a rising base fee alone asks no re-send while the users run; while a stopped test drains, a transaction re-sends itself', async () => {
    const { chain, tracker, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const selfSent: number[] = [];
    for (const n of [0, 1]) {
      tracker.expect({ hash: hash(140 + n), account, nonce: n, name: 'tc', maxPrice: 100n, resend: (at) => selfSent.push(at) }).accepted(hash(140 + n));
      chain.pool.add(hash(140 + n));
    }
    // While the users run, the starvation checks decide: a rising fee alone asks nothing.
    chain.baseFee = 90n;
    chain.mine();
    await seen();
    expect(account.resends).toEqual([]);
    expect(selfSent).toEqual([]);
    // A drain that outlasts the next block on a busy machine, ended by its signal once seen.
    const stop = new AbortController();
    const drained = tracker.drain(30_000, stop.signal);
    // Draining, the fee rising to 120: no user is left, each re-sends itself.
    chain.baseFee = 120n;
    chain.mine();
    await seen();
    expect(selfSent.slice(0, 2)).toEqual([0, 1]);
    stop.abort();
    await drained;
  });

  it('the same bytes sent twice are one transaction, and the second send a re-send: send successes stay accepted + resent', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    tracker.expect({ hash: hash(160), account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(160));
    // Sent again before the fee moved: the node answers "already known" (or the hash).
    tracker.expect({ hash: hash(160), account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(160));
    chain.mine(hash(160));
    await seen();
    await eventually(() => (tracker.counts().mined === 1 ? true : undefined), 5_000, 'mined');
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 1 });
    expect(rows.filter((r) => r.type === MINED_TYPE)).toHaveLength(1);
  });

  it('when a stopped test starts to drain, what its users would have re-sent, or the next block may price out, re-sends itself at once', async () => {
    const { chain, tracker, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const selfSent: number[] = [];
    const resend = (at: number) => selfSent.push(at);
    // Nonce 0 near the fee of the last block (90 × 1.25 > 100); nonce 1 well above it.
    tracker.expect({ hash: hash(150), account, nonce: 0, name: 'tc', maxPrice: 100n, resend }).accepted(hash(150));
    tracker.expect({ hash: hash(151), account, nonce: 1, name: 'tc', maxPrice: 1_000n, resend }).accepted(hash(151));
    chain.pool.add(hash(150));
    chain.pool.add(hash(151));
    chain.baseFee = 90n;
    chain.mine();
    await seen();
    expect(selfSent).toEqual([]);
    // The drain starts: no block has to show a rise first.
    const drained = tracker.drain(200);
    expect(selfSent).toEqual([0]);
    await drained;
  });

  it('when a stopped test starts to drain, what newer transactions outbid re-sends itself at once (the rising fee reaches it first)', async () => {
    const { chain, tracker, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const selfSent: number[] = [];
    const resend = (at: number) => selfSent.push(at);
    tracker.expect({ hash: hash(170), account, nonce: 0, name: 'tc', maxPrice: 1_000n, resend }).accepted(hash(170));
    chain.pool.add(hash(170));
    chain.baseFee = 10n;
    chain.mine();
    await seen();
    // A newer transaction (another account) pays twice as much: nonce 0 is outbid, far from the base fee.
    tracker.expect({ hash: hash(171), account: new FakeAccount('0xb'), nonce: 0, name: 'tc', maxPrice: 2_000n, resend }).accepted(hash(171));
    const drained = tracker.drain(200);
    expect(selfSent).toEqual([0]);
    await drained;
  });

  it('a re-send that starts while the node is asked about the transaction is no drop: the answer about its old hash proves nothing', async () => {
    const { chain, tracker, rows, seen } = await setUp();
    const account = new FakeAccount('0xa');
    tracker.expect({ hash: hash(130), account, nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(130));
    chain.pool.add(hash(130));
    let release!: () => void;
    chain.lookupsHeld = new Promise((r) => (release = r));
    const asked = () => chain.server.requests.filter((r) => r.method === 'eth_getTransactionByHash').length;
    // Blocks without it: the account stalls and the tracker asks the node about it (held).
    for (let i = 0; i < 6 && asked() === 0; i++) {
      chain.mine(hash(1100 + i));
      await seen();
    }
    await eventually(() => (asked() > 0 ? true : undefined), 5_000, 'a lookup');
    // Meanwhile it is re-sent at its nonce: the node swaps the old hash for the new one.
    tracker.expect({ hash: hash(131), account, nonce: 0, name: 'tc', maxPrice: 20n }).accepted(hash(131));
    chain.pool.delete(hash(130));
    chain.pool.add(hash(131));
    release();
    // The late "unknown" for the old hash settles nothing; the new one is mined.
    chain.mine(hash(131));
    await seen();
    await eventually(() => (tracker.counts().mined === 1 ? true : undefined), 5_000, 'mined');
    expect(tracker.counts()).toEqual({ accepted: 1, mined: 1, dropped: 0, unresolved: 0, resent: 1 });
    expect(rows.map((r) => r.ok)).toEqual([true]);
  });

  it('while a stopped test drains, a gap below an account’s transactions is filled by its own sender (no lease is left to fill it)', async () => {
    const { chain, tracker, seen } = await setUp();
    const account = new FakeAccount('0xa');
    const filled: [number, bigint][] = [];
    const resend = (at: number, paid: bigint) => filled.push([at, paid]);
    // The chain's count is 4; nonces 6 and 8 are held by the node, 4, 5 and 7 by nothing.
    for (const n of [6, 8]) {
      tracker.expect({ hash: hash(60 + n), account, nonce: n, name: 'tc', maxPrice: 10n, resend }).accepted(hash(60 + n));
      chain.pool.add(hash(60 + n));
    }
    chain.latest.set('0xa', 4);
    const drained = tracker.drain(5_000);
    // Blocks come without the account's transactions: the check finds the gap and fills it.
    for (let i = 0; i < 6 && filled.length === 0; i++) {
      chain.mine(hash(1200 + i));
      await seen();
      await eventually(() => (chain.server.requests.some((r) => r.method === 'eth_getTransactionCount') ? true : undefined), 5_000, 'a nonce read');
    }
    await eventually(() => (filled.length > 0 ? true : undefined), 5_000, 'the gap filled');
    expect(filled).toEqual([
      [4, 0n],
      [5, 0n],
      [7, 0n],
    ]);
    expect(account.plans).toEqual([]);
    // Mined, everything settles and the drain ends.
    chain.mine(hash(66), hash(68));
    await drained;
    expect(tracker.counts().unresolved).toBe(0);
  });

  it('a drain waits for what a test case still does with a settled transaction (a receipt read), within its timeout', async () => {
    const { chain, tracker } = await setUp();
    const account = new FakeAccount('0xa');
    const recorded: string[] = [];
    // The first records its outcome 300 ms after the tracker settles it; the second never does.
    const later = (what: string, ms: number) => () => new Promise<void>((resolve) => setTimeout(() => resolve(void recorded.push(what)), ms));
    tracker.expect({ hash: hash(110), account, nonce: 0, name: 'tc', onSettled: later('first', 300), maxPrice: 10n }).accepted(hash(110));
    chain.mine(hash(110));
    const started = performance.now();
    await tracker.drain(5_000);
    expect(recorded).toEqual(['first']);
    expect(performance.now() - started).toBeLessThan(4_000);

    tracker.open();
    tracker.expect({ hash: hash(111), account, nonce: 1, name: 'tc', onSettled: () => new Promise<void>(() => undefined), maxPrice: 10n }).accepted(hash(111));
    chain.mine(hash(111));
    const again = performance.now();
    await tracker.drain(600);
    // Bounded by the drain's timeout, which the wait for the block counts against.
    expect(performance.now() - again).toBeGreaterThanOrEqual(590);
    expect(performance.now() - again).toBeLessThan(4_000);
  });

  it('a drain ends early when its signal aborts', async () => {
    const { tracker } = await setUp();
    tracker.expect({ hash: hash(100), account: new FakeAccount('0xa'), nonce: 0, name: 'tc', maxPrice: 10n }).accepted(hash(100));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const started = performance.now();
    await tracker.drain(30_000, abort.signal);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(tracker.counts().unresolved).toBe(1);
  });
});

describe('planAfter', () => {
  it('fills every gap from the chain’s nonce up to the highest held one, then goes on after it', () => {
    expect(planAfter(5, [])).toEqual({ holes: [], next: 5 });
    expect(planAfter(5, [5, 6])).toEqual({ holes: [], next: 7 });
    expect(planAfter(5, [7, 9])).toEqual({ holes: [5, 6, 8], next: 10 });
    // Held when looked up, mined before the count was read.
    expect(planAfter(8, [5, 6])).toEqual({ holes: [], next: 8 });
    expect(planAfter(6, [5, 7])).toEqual({ holes: [6], next: 8 });
  });
});

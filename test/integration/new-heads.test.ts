/**
 * --ws-endpoint: the block follower learns new heads from the node's `eth_subscribe("newHeads")`
 * (a real anvil, which serves WebSockets on its HTTP port) instead of polling, and still sees
 * every block exactly once, in order, when the socket cannot be opened or is lost.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { afterEach, describe, expect, it } from 'vitest';

import { BlockFollower, PUSHED_POLL_MS, type SeenBlock } from '../../src/chain/block-follower.js';
import { NewHeads } from '../../src/chain/new-heads.js';
import { type CallEnd, JsonRpcClient, type RpcResponse } from '../../src/rpc/json-rpc.js';
import { freePort } from '../../src/util/ports.js';
import { useDevChain } from '../support/dev-chain-fixture.js';
import { collectingLogger, type LogLine } from '../support/master-harness.js';
import { TcpRelay } from '../support/tcp-relay.js';

const anvil = useDevChain();

/** A client of the node that counts the calls it carries, by method. */
class CountingRpc extends JsonRpcClient {
  readonly calls = new Map<string, number>();

  override call(method: string, params: readonly unknown[]): Promise<RpcResponse> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    return super.call(method, params);
  }

  override callThen<T>(method: string, params: readonly unknown[], startedAt: number, end: CallEnd<T>): Promise<T> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    return super.callThen(method, params, startedAt, end);
  }
}

interface Following {
  follower: BlockFollower;
  rpc: CountingRpc;
  blocks: SeenBlock[];
  lines: LogLine[];
}

const open: Following[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) {
    await f.follower.close();
    await f.rpc.close();
  }
});

async function follow(wsUrl: string | null, pollMs = 100): Promise<Following> {
  const rpc = new CountingRpc(anvil.chain.url, { timeoutMs: 5_000 });
  const { log, lines } = collectingLogger();
  const blocks: SeenBlock[] = [];
  const follower = new BlockFollower({
    rpc,
    namespace: 'eth',
    log,
    pollMs,
    newHeads: wsUrl === null ? null : { url: wsUrl, access: {} },
    onBlock: (block) => blocks.push(block),
  });
  const f = { follower, rpc, blocks, lines };
  open.push(f);
  await follower.start();
  return f;
}

/** Waits until `n` blocks have been seen, with a deadline. */
async function blocksSeen(f: Following, n: number, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (f.blocks.length < n) {
    if (performance.now() > deadline) throw new Error(`saw ${f.blocks.length} blocks of ${n} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function logged(lines: LogLine[], text: string, timeoutMs = 10_000): Promise<LogLine> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const line = lines.find((l) => l.msg.includes(text));
    if (line) return line;
    if (performance.now() > deadline) throw new Error(`no log line with "${text}" within ${timeoutMs} ms; got: ${lines.map((l) => l.msg).join(' | ')}`);
    await sleep(20);
  }
}

function expectConsecutive(blocks: readonly SeenBlock[]): void {
  const heights = blocks.map((b) => b.number);
  expect(heights).toEqual(heights.map((_, i) => heights[0]! + i));
}

function wsUrlOf(port: number): string {
  return `ws://127.0.0.1:${port}`;
}

describe('--ws-endpoint (newHeads)', () => {
  it('every block once, in order, as the node announces it: the head is not polled while announcements come', async () => {
    const f = await follow(wsUrlOf(Number(new URL(anvil.chain.url).port)));
    await logged(f.lines, 'following new blocks as the node announces them');
    const from = f.blocks.length;
    const polledBefore = f.rpc.calls.get('eth_blockNumber') ?? 0;
    const t0 = performance.now();
    await blocksSeen(f, from + 5);
    const elapsedMs = performance.now() - t0;
    expectConsecutive(f.blocks);
    // Polling every 100 ms would have asked ~10 times a second; the safety net asks at most
    // once per PUSHED_POLL_MS without an announcement.
    const polled = (f.rpc.calls.get('eth_blockNumber') ?? 0) - polledBefore;
    expect(polled).toBeLessThanOrEqual(Math.ceil(elapsedMs / PUSHED_POLL_MS) + 1);
    expect(f.rpc.calls.get('eth_getBlockByNumber')).toBe(f.blocks.length);
    // Each block is read when announced, a second apart (anvil's block time), not in pairs at
    // a slow poll; a late block of a busy anvil may come close after the one before it.
    const seen = f.blocks.slice(from).map((b) => b.seenAt);
    const gaps = seen.slice(1).map((t, i) => t - seen[i]!);
    expect(gaps.filter((g) => g < 200).length, `gaps ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`).toBeLessThanOrEqual(1);
  }, 60_000);

  it('without it the head is polled every pollMs (what the announcements save)', async () => {
    const f = await follow(null);
    const t0 = performance.now();
    const before = f.blocks.length;
    await blocksSeen(f, before + 3);
    const elapsedMs = performance.now() - t0;
    expectConsecutive(f.blocks);
    expect(f.rpc.calls.get('eth_blockNumber') ?? 0).toBeGreaterThan(elapsedMs / PUSHED_POLL_MS + 2);
  }, 60_000);

  it('polled, a block is seen a few ms after the node announces it once the chain’s clock is learned, for a few more asks than a fixed poll', async () => {
    const port = Number(new URL(anvil.chain.url).port);
    const [pushed, polled] = [await follow(wsUrlOf(port)), await follow(null)];
    await logged(pushed.lines, 'following new blocks as the node announces them');
    // The clock is learned from three intervals; the window's phase settles within a block or two.
    await blocksSeen(polled, 6);
    const from = polled.blocks.at(-1)!.number + 1;
    const askedBefore = polled.rpc.calls.get('eth_blockNumber') ?? 0;
    await blocksSeen(polled, polled.blocks.length + 8);
    await blocksSeen(pushed, pushed.blocks.findIndex((b) => b.number === from) + 8);
    const lags: number[] = [];
    for (const block of polled.blocks.filter((b) => b.number >= from)) {
      const announced = pushed.blocks.find((b) => b.number === block.number);
      if (announced !== undefined) lags.push(block.seenAt - announced.seenAt);
    }
    const sorted = [...lags].sort((a, b) => a - b);
    const detail = `lags ${lags.map((l) => l.toFixed(0)).join(', ')} ms`;
    expect(lags.length, detail).toBeGreaterThanOrEqual(6);
    // A fixed 100 ms poll sees a block 0–100 ms after it is made, 50 ms on average.
    expect(sorted[Math.floor(sorted.length / 2)]!, detail).toBeLessThan(30);
    const asked = (polled.rpc.calls.get('eth_blockNumber') ?? 0) - askedBefore;
    expect(asked / lags.length, `${asked} asks for ${lags.length} blocks`).toBeLessThan(20);
  }, 60_000);

  it('keeps no block once it has handed it over: between polls the follower holds none of its hashes', async () => {
    // A block the follower kept until the next one (a suspended async function keeps what its
    // registers last held) was a few thousand hash strings that every young-generation
    // collection copied. Weak references tell whether anything but the receiver kept it.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const rpc = new CountingRpc(anvil.chain.url, { timeoutMs: 5_000 });
    const seen: WeakRef<SeenBlock>[] = [];
    const follower = new BlockFollower({
      rpc,
      namespace: 'eth',
      log: collectingLogger().log,
      pollMs: 100,
      onBlock: (block) => void seen.push(new WeakRef(block)),
    });
    open.push({ follower, rpc, blocks: [], lines: [] });
    await follower.start();
    const deadline = performance.now() + 20_000;
    while (seen.length < 3) {
      if (performance.now() > deadline) throw new Error(`saw ${seen.length} blocks of 3 within 20 s`);
      await sleep(20);
    }
    // A turn of the event loop later the follower waits for the next head, the last block handed over.
    await sleep(0);
    gc();
    expect(seen.map((ref) => ref.deref()?.number)).toEqual(seen.map(() => undefined));
  });

  it('a WebSocket endpoint nobody listens on: one warning (its credentials not shown), the head polled, every block still seen once', async () => {
    const port = await freePort();
    const f = await follow(`ws://user:s3cret@127.0.0.1:${port}/ws?apikey=q5ecret`);
    const warning = await logged(f.lines, 'newHeads subscription lost; polling the chain head and retrying');
    expect(warning.wsEndpoint).toBe(`ws://***@127.0.0.1:${port}/ws?apikey=***`);
    await blocksSeen(f, 4);
    expectConsecutive(f.blocks);
    // Retried every second, said once.
    expect(f.lines.filter((l) => l.msg.includes('newHeads subscription lost'))).toHaveLength(1);
    expect(f.lines.some((l) => l.msg.includes('following new blocks as the node announces them'))).toBe(false);
    expect(JSON.stringify(f.lines)).not.toMatch(/s3cret|q5ecret/);
  }, 60_000);

  it('the socket lost mid-run: polled meanwhile, subscribed again, no block missed or seen twice', async () => {
    const relay = await TcpRelay.start(Number(new URL(anvil.chain.url).port));
    try {
      const f = await follow(wsUrlOf(relay.port));
      await logged(f.lines, 'following new blocks as the node announces them');
      await blocksSeen(f, 2);
      relay.cut();
      await logged(f.lines, 'newHeads subscription lost');
      await logged(f.lines, 'newHeads subscription back');
      expect(relay.accepted).toBeGreaterThanOrEqual(2);
      const back = f.blocks.length;
      await blocksSeen(f, back + 3);
      expectConsecutive(f.blocks);
    } finally {
      await relay.close();
    }
  }, 60_000);

  it('a node that refuses the subscription: one warning, and it is not asked again', async () => {
    const relay = await TcpRelay.start(Number(new URL(anvil.chain.url).port));
    const { log, lines } = collectingLogger();
    // anvil answers an unknown method with an error, as a node without subscriptions does.
    const heads = new NewHeads({ url: wsUrlOf(relay.port), access: {}, namespace: 'nosuch', log, onHead: () => undefined, retryMs: 100 });
    try {
      heads.start();
      await logged(lines, 'the node refused newHeads subscriptions; polling the chain head instead');
      // Ten retry intervals later, still the one connection.
      const refusedAt = performance.now();
      while (performance.now() - refusedAt < 1_000) await sleep(50);
      expect(relay.accepted).toBe(1);
      expect(heads.live).toBe(false);
      expect(lines.filter((l) => l.level >= 40)).toHaveLength(1);
    } finally {
      await heads.close();
      await relay.close();
    }
  }, 30_000);
});

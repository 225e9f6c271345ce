/**
 * Benchmark 5, into a node: valueTransfer into anvil (`--block-time 1`) against anvil's own
 * ceiling, both measured in the same run on the same chain. The ceiling is a flood of value
 * transfers signed beforehand (bench/lib/tx-flood.mjs), so the sender costs next to nothing;
 * klayworker then signs, tracks nonces, follows every transaction to its block and sends as a
 * test does (default --max-pending). Targets: accepted/s ≥ 90 % and mined/s ≥ 95 % of the ceiling.
 *
 * Both are counted by the node. Accepted: transactions in new blocks plus the growth of the pool
 * (txpool_status), over the flood's whole send and over a window of klayworker's run after its
 * users are up. Mined: the transactions in the blocks made while sending, over the span of
 * their block timestamps. anvil runs on the other core with a block gas limit of 300M (14,000 transfers
 * a block), so that blocks keep up with the pool and a growing backlog does not slow it down.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { HDNodeWallet } from 'ethers';

import { anvilArgs, anvilBinary, DEV_MNEMONIC } from './lib/anvil.mjs';
import { distOf, importFromDist } from './lib/dist.mjs';
import { keyedWorkerArgs } from './lib/keyed-worker.mjs';
import { watchProcess } from './lib/proc-stats.mjs';
import { BenchError, CLI, CORES, eventually, freePort, sleep } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';

const BENCH = 'into-node';
const TARGET = 0.9;
const MINED_TARGET = 0.95;
const FLOOD_ACCOUNTS = 20;
const USERS = 200;
const TEST_ACCOUNTS = 400;

export const intoNode = {
  name: BENCH,
  title: 'Into a node',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    const plan = ctx.quick ? { rounds: 1, perAccount: 1000, warmupS: 3, windowS: 6 } : { rounds: 2, perAccount: 2500, warmupS: 3, windowS: 12 };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const anvil = ctx.group.start(CORES.target, await anvilBinary(), anvilArgs(port, { accounts: FLOOD_ACCOUNTS + 1 }));
    const chain = nodeCounter(url);
    await eventually(() => chain.call('eth_chainId', []), 20_000, `anvil on ${url}`);
    if (!anvil.running) throw new BenchError(`anvil exited: ${anvil.tail()}`);
    // The key goes through a file, never argv: the recorded command lines end up in RESULTS.md.
    // Dev account 0 funds klayworker's accounts (1.. are the flood's).
    const keyFile = join(ctx.tmpDir, 'into-node.key');
    writeFileSync(keyFile, HDNodeWallet.fromPhrase(DEV_MNEMONIC).privateKey, { mode: 0o600 });

    const floods = [];
    const workers = [];
    for (let round = 1; round <= plan.rounds; round++) {
      ctx.log(`${BENCH}: round ${round}/${plan.rounds}, flood of ${fmt(FLOOD_ACCOUNTS * plan.perAccount)} pre-signed transfers`);
      floods.push(await flood(ctx, url, chain, plan));
      await chain.drained();
      ctx.log(`${BENCH}: round ${round}/${plan.rounds}, klayworker valueTransfer`);
      workers.push(await klayworker(ctx, url, chain, keyFile, plan, round));
      await chain.drained();
    }
    // The worker signs as this process would: natively when the binding loads here.
    const signingBackend = await importFromDist(distOf(CLI), 'src/chain/signing/ecdsa.js', 'testcases/ecdsa.js').then(
      (m) => m.signingBackend,
      () => () => 'ethers (a build without testcases/ecdsa.js)',
    );
    const perSecond = (runs) => runs.reduce((a, r) => a + r.accepted, 0) / runs.reduce((a, r) => a + r.seconds, 0);
    const minedPerSecond = (runs) => runs.reduce((a, r) => a + r.mined.txs, 0) / runs.reduce((a, r) => a + r.mined.seconds, 0);
    const ceiling = perSecond(floods);
    const ours = perSecond(workers);
    const minedCeiling = minedPerSecond(floods);
    const minedOurs = minedPerSecond(workers);
    const failures = workers.reduce((a, r) => a + r.failures, 0);
    return [
      row({
        bench: BENCH,
        measure: 'anvil ceiling: pre-signed transfers flooded (64 in flight)',
        result: `${fmt(ceiling)} accepted/s (rounds ${floods.map((r) => fmt(r.accepted / r.seconds)).join(', ')}; the sender used ${floods.map((r) => `${fmt(100 * r.senderCpu)}%`).join(', ')} of its core)`,
      }),
      row({
        bench: BENCH,
        measure: `klayworker valueTransfer (${USERS} users, ${TEST_ACCOUNTS} accounts, no rps cap)`,
        result:
          `${fmt(ours)} accepted/s (rounds ${workers.map((r) => fmt(r.accepted / r.seconds)).join(', ')}; ${fmt(failures)} failed sends; signing: ${signingBackend()}; ` +
          `it used ${workers.map((r) => `${fmt(100 * r.cpu)}%`).join(', ')} of its core and waited ${workers.map((r) => `${fmt(r.waitS, 1)} s`).join(', ')} for a CPU)`,
      }),
      row({
        bench: BENCH,
        measure: 'klayworker ÷ anvil ceiling',
        result: `${fmt((100 * ours) / ceiling)}%`,
        target: `≥ ${fmt(100 * TARGET)}%`,
        met: ours / ceiling >= TARGET && failures === 0,
      }),
      row({
        bench: BENCH,
        measure: 'mined/s: klayworker ÷ the flood (blocks made while each sends)',
        result: `${fmt(minedOurs)} ÷ ${fmt(minedCeiling)} mined/s = ${fmt((100 * minedOurs) / minedCeiling)}% (klayworker's own count: ${workers.map((r) => `${fmt(r.transactions.mined)} mined, ${fmt(r.transactions.dropped)} dropped`).join('; ')})`,
        target: `≥ ${fmt(100 * MINED_TARGET)}%`,
        met: minedOurs / minedCeiling >= MINED_TARGET,
      }),
    ];
  },
};

/** Floods anvil from its dev accounts 1..N; the node counts what it accepted meanwhile. */
async function flood(ctx, url, chain, plan) {
  const dist = distOf(CLI);
  const proc = ctx.group.start(CORES.load, process.execPath, [
    'bench/lib/tx-flood.mjs',
    dist,
    url,
    '--accounts',
    String(FLOOD_ACCOUNTS),
    '--per-account',
    String(plan.perAccount),
    '--concurrency',
    '64',
  ]);
  await proc.waitForOutput(/^ready$/m, 120_000);
  const before = await chain.accepted();
  const firstBlock = await chain.head();
  const started = performance.now();
  // The sender's own CPU, to show that the node and not the sender sets the ceiling.
  const cpu = watchProcess(proc.pid, 100);
  proc.child.kill('SIGUSR2');
  const code = await proc.exited(300_000);
  const seconds = (performance.now() - started) / 1000;
  const usage = cpu.stop();
  const after = await chain.accepted();
  const mined = await chain.minedIn(firstBlock, await chain.head());
  if (code !== 0) throw new BenchError(`tx flood exited with ${code}: ${proc.tail(500)}`);
  const report = JSON.parse(proc.output().trim().split('\n').pop());
  if (report.failed > 0) throw new BenchError(`tx flood: ${report.failed} sends failed: ${JSON.stringify(report.errors)}`);
  return { accepted: after - before, seconds, senderCpu: usage.cpuS / usage.wallS, mined };
}

/** klayworker standalone; the node counts a window once its users are up and warm. */
async function klayworker(ctx, url, chain, keyFile, plan, round) {
  const json = join(ctx.tmpDir, `into-node-${round}.json`);
  const runS = plan.warmupS + plan.windowS + 5;
  const proc = ctx.group.start(
    CORES.load,
    process.execPath,
    keyedWorkerArgs(CLI, { users: USERS, seconds: runS, tc: 'valueTransfer', url, keyFile, accounts: TEST_ACCOUNTS, seed: `into-node-${round}`, json }),
  );
  await proc.waitForOutput(/"msg":"all users hatched"/, 180_000);
  await sleep(plan.warmupS * 1000);
  const before = await chain.accepted();
  const firstBlock = await chain.head();
  const started = performance.now();
  const cpu = watchProcess(proc.pid, 100);
  await sleep(plan.windowS * 1000);
  const usage = cpu.stop();
  const after = await chain.accepted();
  const mined = await chain.minedIn(firstBlock, await chain.head());
  const seconds = (performance.now() - started) / 1000;
  const code = await proc.exited(120_000);
  if (code !== 0) throw new BenchError(`klayworker valueTransfer exited with ${code}: ${proc.tail(500)}`);
  const summary = JSON.parse(readFileSync(json, 'utf8'));
  return {
    accepted: after - before,
    seconds,
    failures: summary.total.failures,
    cpu: usage.cpuS / usage.wallS,
    waitS: usage.waitS,
    mined,
    transactions: summary.transactions,
  };
}

/** What the node has accepted so far: transactions in blocks since we started counting, plus its pool. */
function nodeCounter(url) {
  let id = 0;
  let counted = 0; // highest block whose transactions are in `mined`
  let mined = 0;
  const call = async (method, params) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const body = await res.json();
    if (body.error) throw new BenchError(`anvil ${method}: ${body.error.message}`);
    return body.result;
  };
  const blockNumber = async () => Number(BigInt(await call('eth_blockNumber', [])));
  const pool = async () => {
    const { pending, queued } = await call('txpool_status', []);
    return Number(BigInt(pending)) + Number(BigInt(queued));
  };
  return {
    call,
    head: blockNumber,
    /** Transactions in blocks first+1..last, over the span of their timestamps (first's to last's). */
    async minedIn(first, last) {
      const at = async (n) => await call('eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
      let txs = 0;
      for (let n = first + 1; n <= last; n++) txs += (await at(n)).transactions.length;
      const seconds = Number(BigInt((await at(last)).timestamp)) - Number(BigInt((await at(first)).timestamp));
      return { txs, seconds: Math.max(seconds, 1) };
    },
    async accepted() {
      // A block mined between the two reads would move transactions from the pool into it
      // unseen: read until the block number is the same on both sides of the pool.
      for (;;) {
        const first = await blockNumber();
        const inPool = await pool();
        if ((await blockNumber()) !== first) continue;
        for (let b = counted + 1; b <= first; b++) mined += Number(BigInt(await call('eth_getBlockTransactionCountByNumber', [`0x${b.toString(16)}`])));
        counted = Math.max(counted, first);
        return mined + inPool;
      }
    },
    /** Waits until the pool is empty, so the next measurement starts from a quiet node. */
    async drained() {
      await eventually(async () => ((await pool()) === 0 ? true : undefined), 120_000, 'an empty anvil pool', 250);
    },
  };
}

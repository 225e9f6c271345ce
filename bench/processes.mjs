/**
 * Benchmark 6, every core: `--processes 2` against one process on a CPU-bound load, both under
 * the same fake 2.x master (bench/lib/fake-master.mjs). The load is valueTransfer signed in
 * pure JS (KLAYWORKER_SIGNING=js, about 0.5 ms of CPU a transfer) against a stub node
 * (bench/lib/stub-chain.mjs: nginx, a few microseconds a request), so the two cores of this
 * machine go to signing, not to the node. Everything may use both cores (`taskset -c 0,1`; the
 * bench itself is pinned to one, and its children would inherit that).
 * Requests are counted by the stub node over a window after warm-up; rounds alternate.
 * Target: 2 processes ≥ 1.8× one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { FakeMaster } from './lib/fake-master.mjs';
import { cpuSeconds } from './lib/proc-stats.mjs';
import { BenchError, CLI, sleep } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';
import { startStubChain } from './lib/stub-chain.mjs';

const BENCH = 'processes';
const TARGET = 1.8;
const USERS = 40;
const BOTH_CORES = '0,1';
/** Any valid key: the stub node reports every account as funded. */
const KEY = `0x${'11'.repeat(32)}`;

export const processes = {
  name: BENCH,
  title: 'Every core (--processes)',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    const plan = ctx.quick ? { rounds: 1, warmupS: 3, windowS: 5 } : { rounds: 3, warmupS: 3, windowS: 8 };
    const stub = await startStubChain(ctx.group, { core: BOTH_CORES, dir: join(ctx.tmpDir, 'stub-chain') });
    const keyFile = join(ctx.tmpDir, 'processes.key');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    const results = { 1: [], 2: [] };
    for (let round = 1; round <= plan.rounds; round++) {
      for (const n of [1, 2]) {
        ctx.log(`${BENCH}: round ${round}/${plan.rounds}, --processes ${n}`);
        results[n].push(await measure(ctx, stub, keyFile, n, plan));
      }
    }
    const rate = (n) => results[n].reduce((a, r) => a + r.requests, 0) / results[n].reduce((a, r) => a + r.seconds, 0);
    const perCpu = (n) => results[n].reduce((a, r) => a + r.requests, 0) / results[n].reduce((a, r) => a + r.cpuS, 0);
    const describe = (n) =>
      `${fmt(rate(n))} transfers/s (rounds ${results[n].map((r) => fmt(r.requests / r.seconds)).join(', ')}; ${fmt(perCpu(n))} per CPU-s of the workers; ` +
      `${fmt((100 * results[n].reduce((a, r) => a + r.cpuS, 0)) / results[n].reduce((a, r) => a + r.seconds, 0))}% of a core)`;
    const ratio = rate(2) / rate(1);
    return [
      row({ bench: BENCH, measure: `1 process (valueTransfer, pure-JS signing, ${USERS} users, stub node)`, result: describe(1) }),
      row({ bench: BENCH, measure: '--processes 2 (same load, users split over the two)', result: describe(2) }),
      row({ bench: BENCH, measure: '--processes 2 ÷ 1 process', result: `${fmt(ratio, 2)}×`, target: `≥ ${TARGET}×`, met: ratio >= TARGET }),
    ];
  },
};

async function measure(ctx, stub, keyFile, n, plan) {
  const master = await FakeMaster.start();
  try {
    const parent = ctx.group.start(
      BOTH_CORES,
      process.execPath,
      [
        CLI,
        '--tc',
        'valueTransfer',
        '--endpoint',
        stub.url,
        '--key-file',
        keyFile,
        '--master-port',
        String(master.port),
        '--processes',
        String(n),
        '--max-pending',
        '0',
        '--log-level',
        'warn',
      ],
      { env: { KLAYWORKER_SIGNING: 'js' } },
    );
    const workers = await waitForWorkers(master, n);
    for (const [i, id] of workers.entries()) {
      const users = Math.floor(USERS / n) + (i < USERS % n ? 1 : 0);
      await master.send(id, 'spawn', {
        timestamp: Date.now() / 1000,
        user_classes_count: { User: users },
        host: stub.url,
        stop_timeout: null,
        parsed_options: {},
      });
    }
    await sleep(plan.warmupS * 1000);
    const pids = workerPids(parent.pid, n);
    const before = { served: await stub.served(), cpu: sumCpu(pids), at: performance.now() };
    await sleep(plan.windowS * 1000);
    const after = { served: await stub.served(), cpu: sumCpu(pids), at: performance.now() };
    for (const id of workers) await master.send(id, 'quit', null);
    const code = await parent.exited(30_000);
    if (code !== 0) throw new BenchError(`klayworker --processes ${n} exited with ${code}: ${parent.tail(500)}`);
    return { requests: after.served - before.served, seconds: (after.at - before.at) / 1000, cpuS: after.cpu - before.cpu };
  } finally {
    master.close();
  }
}

async function waitForWorkers(master, n) {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const ids = [...new Set(master.ofType('client_ready').map((m) => m.identity))];
    if (ids.length >= n) return ids.slice(0, n);
    if (performance.now() > deadline) throw new BenchError(`only ${ids.length} of ${n} workers registered with the fake master within 60 s`);
    await sleep(100);
  }
}

/** The worker processes: the parent itself for one, its children for --processes N > 1. */
function workerPids(parentPid, n) {
  if (n === 1) return [parentPid];
  const children = readFileSync(`/proc/${parentPid}/task/${parentPid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  // The parent's only children are the workers (no dev chain: the stub node is given).
  if (children.length !== n) throw new BenchError(`expected ${n} worker processes under ${parentPid}, found ${children.length}`);
  return children;
}

function sumCpu(pids) {
  return pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
}

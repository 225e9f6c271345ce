/**
 * What chain truth costs: valueTransfer on a stub node that mines (bench/lib/mining-stub.mjs:
 * every transaction in a block 200 ms later). Five builds, six runs a round, same command,
 * same stub, rounds rotating, the worker on one core and the stub on the other:
 *
 * - this build, which follows every transaction into its block;
 * - this very build with the tracker switched off (a patched copy of its dist: the tracker's
 *   start() and expect() stubbed, a send's pending slot freed as soon as the node accepts it).
 *   The only difference is the tracker, so this is the verdict's "without". Target: ≥ 95 %,
 *   judged in turns (inTurns), the rounds' ratio being context;
 * - for context, this build with --max-pending 0: the same tracking with no account waiting
 *   for the chain (at this stub's block time the default limit holds the users back, and a
 *   worker with fewer requests in flight spends more CPU on each);
 * - for context, two patched copies that follow no block, to split the cost: one settles each
 *   transaction as mined as soon as the node accepts it (all of the tracker's per-transaction
 *   books: register, accept, settle, the mined row), the other HELD_MS after (the same books,
 *   plus each transaction held as long as a block holds it here, its pending slot included).
 *   What the first leaves of the cost is holding or reading blocks; the second says which
 *   (see bench/README.md §5b for the figures);
 * - for context, the last build before the tracker existed (git ref BENCH_BASELINE, default
 *   227bd44), which only sent; it differs in more than the tracker.
 *
 * Throughput is judged per CPU-second of the worker while its users send (from "all users
 * hatched" to the users stopping): all builds keep their core busy, so that is the rate a
 * core gives, and unlike the wall clock it does not move when a neighbour takes the core.
 * The rounds are a minute apart, and this shared machine's speed drifts by more than the
 * effect within that (rounds of one run ranged 76–116 %), so the verdict comes from last runs
 * of this build and the untracked one in turns of seconds (several runs, each of a fresh pair),
 * each alone on its core with its own stub (inTurns), the throughput bench's method
 * (bench/README.md §1).
 *
 * The old baseline is built from `git archive` of its sources into the bench's temporary
 * folder, with this checkout's node_modules (js-sha3, its keccak, stays a devDependency for it);
 * nothing of it is kept. BENCH_BASELINE_CLI=<path of a built cli main.js> compares against that
 * build instead.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { distOf } from './lib/dist.mjs';
import { median, runInTurns, signalPids } from './lib/in-turns.mjs';
import { keyedWorkerArgs } from './lib/keyed-worker.mjs';
import { watchProcess } from './lib/proc-stats.mjs';
import { BenchError, CLI, CORES, freePort, REPO_ROOT } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';

const BENCH = 'tracking';
const TARGET = 0.95;
const BASELINE = process.env.BENCH_BASELINE_CLI ?? process.env.BENCH_BASELINE ?? '227bd44';
const USERS = 40;
/** How long the held build keeps each accepted transaction before settling it: about what the stub's 200 ms blocks and the 100 ms head poll keep one. */
const HELD_MS = 250;
const ACCOUNTS = 200;
/** A worker's slice alone on its core in turns (inTurns), and the settle after it resumes, not counted. */
const TURN_S = 2;
const SETTLE_MS = 500;
/**
 * The worker's warning that --max-pending, not the chain, held its users back
 * (src/chain/max-pending-watch.ts), which follows blocks, so only the builds that do can say it:
 * the stub's blocks have room for any number, so where a run says it, the rate it measured was
 * partly the limit's (the row with --max-pending 0 shows how much).
 */
const HELD_BACK = /--max-pending held the users back/;
/** How many of `runs` had their users held back by --max-pending, said the worker, as "n of m". */
const heldBackIn = (runs) => `${runs.filter((r) => r.heldBack).length} of ${runs.length}`;
/** Any valid key: the stub reports every account as funded. */
const KEY = `0x${'22'.repeat(32)}`;

export const tracking = {
  name: BENCH,
  title: 'Chain truth: following every transaction into a block',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    /**
     * The runs in turns (`pairs`, each of a fresh pair of workers, `cycles` each) are pooled for
     * the verdict: many short runs, not a few long ones, because a worker process has a speed of
     * its own. Two processes of one build, the same code in turns for 10 cycles, ran 6.0%, 3.0%
     * and 3.2% apart in three A/A runs of the untracked build, and 4.0%, 3.7% and 4.8% apart in
     * three of the tracked one (2026-12-05), most of them steady across their cycles: more cycles
     * of one pair do not average that out, more pairs do. Half the pairs start the untracked
     * worker first: the start order, the one other difference between the two, is not left to
     * favour one build. Pairs, not four workers at once: a worker's pause would be three slices
     * long (in a trial, one worker had 11 requests fail across its pauses), and longer pauses
     * cost the tracked worker more (README §5b).
     */
    const plan = ctx.quick ? { rounds: 2, runS: 6, warmupS: 2, pairs: 2, cycles: 2 } : { rounds: 8, runS: 8, warmupS: 3, pairs: 8, cycles: 5 };
    const baselineCli = buildBaseline(ctx);
    const untrackedCli = buildUntracked(ctx);
    const settledCli = buildSettledAtOnce(ctx);
    const heldCli = buildHeldThenSettled(ctx);
    const port = await freePort();
    const stub = ctx.group.start(CORES.target, process.execPath, [join(REPO_ROOT, 'bench/lib/mining-stub.mjs'), distOf(CLI), String(port), '200']);
    await stub.waitForOutput(/^ready$/m, 20_000);
    const keyFile = join(ctx.tmpDir, 'tracking.key');
    writeFileSync(keyFile, KEY, { mode: 0o600 });
    const runs = { tracked: [], unthrottled: [], untracked: [], settled: [], held: [], baseline: [] };
    const builds = [
      ['untracked', untrackedCli],
      ['tracked', CLI],
      ['unthrottled', CLI, ['--max-pending', '0']],
      ['settled', settledCli],
      ['held', heldCli],
      ['baseline', baselineCli],
    ];
    for (let round = 1; round <= plan.rounds; round++) {
      // Which goes first rotates, so a drift in the machine's speed does not favour any.
      const order = builds.map((_, i) => builds[(i + round) % builds.length]);
      for (const [which, cli, extra = []] of order) {
        ctx.log(`${BENCH}: round ${round}/${plan.rounds}, ${which}`);
        runs[which].push(await measure(ctx, cli, port, keyFile, `${which}-${round}`, plan, extra));
      }
    }
    const pairs = [];
    for (let pair = 1; pair <= plan.pairs; pair++) {
      ctx.log(`${BENCH}: this build and the untracked one in turns, pair ${pair}/${plan.pairs}`);
      pairs.push(await inTurns(ctx, [CLI, untrackedCli], keyFile, plan, pair));
    }
    const turns = pooled(pairs);
    const sum = (rs, key) => rs.reduce((a, r) => a + r[key], 0);
    const perCpu = (r) => r.sent / r.cpuS;
    const describe = (rs) =>
      `${fmt(sum(rs, 'sent') / sum(rs, 'cpuS'))} transfers per CPU-second (rounds ${rs.map((r) => fmt(perCpu(r))).join(', ')}); ` +
      `${fmt(sum(rs, 'sent') / sum(rs, 'wallS'))} transfers/s, ${fmt((100 * sum(rs, 'cpuS')) / sum(rs, 'wallS'))}% of its core`;
    const mined = runs.tracked.map((r) => r.transactions);
    // The median of the rounds' ratios: the builds of a round ran back to back, so a slow
    // minute of this shared machine moves all of them alike.
    const versus = (these, other) => {
      const ratios = these.map((r, i) => perCpu(r) / perCpu(other[i]));
      const wall = median(these.map((r, i) => r.sent / r.wallS / (other[i].sent / other[i].wallS)));
      return {
        ratio: median(ratios),
        text: `${fmt(100 * median(ratios))}% (rounds ${ratios.map((r) => `${fmt(100 * r)}%`).join(', ')}; by the wall clock ${fmt(100 * wall)}%)`,
      };
    };
    const cost = versus(runs.tracked, runs.untracked);
    const unthrottled = versus(runs.unthrottled, runs.untracked);
    const books = versus(runs.settled, runs.untracked);
    const held = versus(runs.held, runs.untracked);
    const old = versus(runs.tracked, runs.baseline);
    return [
      row({
        bench: BENCH,
        measure: `this build, tracker switched off: valueTransfer, ${USERS} users, ${ACCOUNTS} accounts, mining stub node`,
        result: describe(runs.untracked),
      }),
      row({
        bench: BENCH,
        measure: 'this build: the same, every transaction followed to its block',
        result:
          `${describe(runs.tracked)}; mined ${mined.map((t) => `${fmt(t.mined)}/${fmt(t.accepted)}`).join(', ')} of accepted; ` +
          `account nonces asked of the stub ${runs.tracked.map((r) => fmt(r.nonceReads)).join(', ')}; ` +
          `--max-pending held the users back in ${heldBackIn(runs.tracked)} runs (the worker's warning)`,
      }),
      row({
        bench: BENCH,
        measure: 'with tracking ÷ the same build without, per CPU-second, a run each (median of the rounds; context)',
        result: cost.text,
      }),
      row({
        bench: BENCH,
        measure: `this build, and the same without tracking, in turns of ${fmt(TURN_S)} s alone on core 0, each with its own stub, paused with it, ${plan.pairs} runs of a fresh pair (half of them started untracked first), ${plan.cycles} cycles each: transfers per CPU-second (median of the cycles)`,
        result:
          `${fmt(median(turns.perCycle[0]))}, ${fmt(median(turns.perCycle[1]))}; by pair ${pairs.map((p) => `${fmt(100 * median(p.ratios), 1)}%`).join(', ')}; ` +
          `mined ${fmt(turns.transactions.mined)}/${fmt(turns.transactions.accepted)} of accepted; ` +
          `the trackers asked their stubs ${fmt(turns.nonceReads)} account nonces for ${fmt(turns.sends)} sends; ` +
          `--max-pending held the tracked users back in ${heldBackIn(pairs)} pairs (the worker's warning)`,
      }),
      row({
        bench: BENCH,
        measure: `with tracking ÷ the same build without, per CPU-second, in turns (median of ${turns.ratios.length} cycles, ${plan.pairs} pairs pooled)`,
        result: `${fmt(100 * median(turns.ratios), 1)}% (cycles ${turns.ratios.map((r) => fmt(100 * r)).join(', ')})`,
        target: `≥ ${fmt(100 * TARGET)}%`,
        met: median(turns.ratios) >= TARGET && turns.transactions.mined === turns.transactions.accepted && mined.every((t) => t.mined === t.accepted),
      }),
      row({
        bench: BENCH,
        measure: `this build with --max-pending 0 (no account waits for the chain), context: the same`,
        result: describe(runs.unthrottled),
      }),
      row({
        bench: BENCH,
        measure: `with tracking and --max-pending 0 ÷ without, per CPU-second (context: what the default --max-pending costs here)`,
        result: unthrottled.text,
      }),
      row({
        bench: BENCH,
        measure: 'this build, each transaction settled once accepted (no block followed), context: the same',
        result: describe(runs.settled),
      }),
      row({
        bench: BENCH,
        measure: "settled once accepted ÷ without, per CPU-second (context: the tracker's books alone)",
        result: books.text,
      }),
      row({
        bench: BENCH,
        measure: `this build, each transaction settled ${HELD_MS} ms after it was accepted (no block followed), context: the same`,
        result: describe(runs.held),
      }),
      row({
        bench: BENCH,
        measure: `settled ${HELD_MS} ms after ÷ without, per CPU-second (context: the books, and each transaction's state kept for about a block's time)`,
        result: held.text,
      }),
      row({ bench: BENCH, measure: `before chain truth (${BASELINE}), context: the same`, result: describe(runs.baseline) }),
      row({
        bench: BENCH,
        measure: `this build ÷ before chain truth (${BASELINE}), per CPU-second (context: differs in more than the tracker)`,
        result: old.text,
      }),
    ];
  },
};

/**
 * This build with the tracker switched off: a copy of its dist whose InclusionTracker follows
 * nothing (start() does not follow blocks; expect() registers nothing, so no send takes a
 * --max-pending place, and returns a ticket that does nothing). Patched text, checked to apply,
 * so a change to the tracker's shape fails here loudly instead of measuring something else.
 * (To 2026-12-05 its ticket freed a place no send had taken, in a setImmediate a send: work a
 * build without a tracker would not do, about 0.7% of this copy's throughput in runs in turns.)
 */
function buildUntracked(ctx) {
  return patchedCopy(ctx, 'untracked', [
    NO_BLOCKS_FOLLOWED,
    ['    expect(tx) {\n', '    expect(tx) {\n        return { accepted: () => {}, uncertain: () => {}, refused: () => {} };\n'],
  ]);
}

/** The patch that makes the tracker read no block: start() does not start its block follower. */
const NO_BLOCKS_FOLLOWED = ['    start() {\n', '    start() {\n        return Promise.resolve();\n'];

/** The patch that runs `statement` last whenever a first send is accepted (the end of the built tracker's `accepted` outcome, which `uncertain` follows). */
function onAccepted(statement) {
  const end = '                this.#settleSeen(slot);\n        },\n        uncertain: (slot, ref) => {\n';
  return [end, end.replace('        },\n', `            ${statement}\n        },\n`)];
}

/**
 * `clis` (this build, then the one without tracking) started together (in that order for an
 * odd `pair`, the other way round for an even one), each against its own mining stub on core
 * 1, and run in turns (lib/in-turns.mjs), each worker stopped together with its stub; sends are
 * read off each worker's Prometheus counters at the slice's ends, CPU off /proc: slices seconds
 * apart, which a drift of the machine's speed cannot tilt as it tilts runs a minute apart. A
 * stub is paused with its worker so that no block is mined while the worker cannot see it: a
 * stub left running mined the paused worker's backlog, and the resumed tracker asked about
 * every account (see README §5b). At the end both drain, and the tracked one must have seen
 * every accepted transaction mined.
 */
async function inTurns(ctx, clis, keyFile, plan, pair) {
  /** Indexed as `clis`; an odd pair starts them in that order, an even one the other way round. */
  const workers = [];
  /** A worker's stub first: it is resumed first and stopped last. */
  const resume = (w) => signalPids([w.stub.pid, w.proc.pid], 'SIGCONT');
  const startOrder = [...clis.keys()];
  if (pair % 2 === 0) startOrder.reverse();
  try {
    for (const i of startOrder) {
      const cli = clis[i];
      const stubPort = await freePort();
      const stub = ctx.group.start(CORES.target, process.execPath, [join(REPO_ROOT, 'bench/lib/mining-stub.mjs'), distOf(CLI), String(stubPort), '200']);
      await stub.waitForOutput(/^ready$/m, 20_000);
      const metricsPort = await freePort();
      const json = join(ctx.tmpDir, `tracking-turns-${pair}-${i}.json`);
      const seconds = Math.ceil(plan.warmupS + plan.cycles * clis.length * (TURN_S + SETTLE_MS / 1000) * 2 + 30);
      const proc = ctx.group.start(CORES.load, process.execPath, [
        ...keyedWorkerArgs(cli, {
          users: USERS,
          seconds,
          tc: 'valueTransfer',
          url: `http://127.0.0.1:${stubPort}`,
          keyFile,
          accounts: ACCOUNTS,
          seed: `turns-${pair}-${i}`,
          json,
        }),
        '--metrics-port',
        `127.0.0.1:${metricsPort}`,
      ]);
      workers[i] = { proc, stub, stubPort, json, sends: () => sendsOf(metricsPort) };
    }
    await Promise.all(workers.map((w) => w.proc.waitForOutput(/"msg":"all users hatched"/, 60_000)));
    const perCycle = await runInTurns(
      workers.map((w) => ({ pids: [w.stub.pid, w.proc.pid], measured: w.proc.pid, count: w.sends })),
      { warmupS: plan.warmupS, cycles: plan.cycles, sliceS: TURN_S, settleMs: SETTLE_MS },
    );
    // Both stop their users (SIGTERM), drain and write their summaries.
    for (const w of workers) {
      resume(w);
      signalPids([w.proc.pid], 'SIGTERM');
    }
    for (const w of workers) {
      const code = await w.proc.exited(120_000);
      if (code !== 0) throw new BenchError(`in turns: a worker exited with ${code}: ${w.proc.tail(1500)}`);
    }
    const summary = JSON.parse(readFileSync(workers[0].json, 'utf8'));
    const calls = await stubCalls(workers[0].stubPort);
    return {
      heldBack: HELD_BACK.test(workers[0].proc.output()),
      perCycle,
      ratios: perCycle[0].map((x, c) => x / perCycle[1][c]),
      transactions: summary.transactions ?? { mined: 0, accepted: 0 },
      nonceReads: calls.eth_getTransactionCount ?? 0,
      sends: calls.eth_sendRawTransaction ?? 0,
    };
  } finally {
    for (const w of workers) {
      // A pair whose start failed has only some of its workers.
      if (w === undefined) continue;
      resume(w);
      await w.proc.stop();
      await w.stub.stop();
    }
  }
}

/** The runs in turns of several pairs as one: their cycles side by side, their counts summed. */
function pooled(pairs) {
  return {
    perCycle: [0, 1].map((i) => pairs.flatMap((p) => p.perCycle[i])),
    ratios: pairs.flatMap((p) => p.ratios),
    transactions: {
      // A pair whose tracker missed one counts as missing it however many the other saw.
      mined: pairs.reduce((a, p) => a + Math.min(p.transactions.mined, p.transactions.accepted), 0),
      accepted: pairs.reduce((a, p) => a + p.transactions.accepted, 0),
    },
    nonceReads: pairs.reduce((a, p) => a + p.nonceReads, 0),
    sends: pairs.reduce((a, p) => a + p.sends, 0),
  };
}

/** Transactions sent (accepted or not) so far, off the worker's Prometheus endpoint. */
async function sendsOf(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const count = (name) => {
    const m = new RegExp(`^${name}\\{type="eth_sendRawTransaction"[^}]*\\} (\\d+)$`, 'm').exec(text);
    if (m === null) throw new BenchError(`no ${name} of eth_sendRawTransaction on the worker's /metrics`);
    return Number(m[1]);
  };
  return count('klayworker_requests_total') - count('klayworker_failures_total');
}

/** The mining stub's calls served, by method. */
async function stubCalls(port) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'stub_calls', params: [] }),
  });
  return (await res.json()).result;
}

/** A copy of this build's dist in `name` with `patches` ([from, to] texts) applied to its inclusion-tracker.js; returns its CLI. */
function patchedCopy(ctx, name, patches) {
  const dir = join(ctx.tmpDir, name);
  cpSync(distOf(CLI), join(dir, 'dist'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), readFileSync(join(REPO_ROOT, 'package.json')));
  const file = join(dir, 'dist', 'src', 'chain', 'inclusion', 'inclusion-tracker.js');
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of patches) {
    if (text.split(from).length !== 2)
      throw new BenchError(
        `cannot make the ${name} build: "${from.trim().split('\n')[0]}" is not in ${file} exactly once (update its patches in bench/tracking.mjs)`,
      );
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  return join(dir, 'dist', 'src', 'cli', 'main.js');
}

/**
 * This build with each transaction settled as mined as soon as the node accepts it (see the
 * file comment): start() follows no block, and a first send's acceptance settles its entry at
 * the next turn of the event loop, as the block that holds it would.
 */
function buildSettledAtOnce(ctx) {
  return patchedCopy(ctx, 'settled', [
    NO_BLOCKS_FOLLOWED,
    onAccepted("setImmediate(() => this.#settleMined(slot, this.#follower.nextHeight, performance.now(), signedHash ?? ''));"),
  ]);
}

/**
 * This build with each transaction settled as mined HELD_MS after the node accepted it, by a
 * sweep every 50 ms over the accepted ones in order (no timer per transaction): the books of
 * the settled-at-once build, plus each transaction's state kept alive for about as long as the
 * stub's blocks keep it, and still no block read.
 */
function buildHeldThenSettled(ctx) {
  const sweep =
    `setInterval(() => { const now = performance.now(); const q = this.heldForBench; let i = 0; ` +
    `while (i < q.length && now - this.#t.sentAt(q[i]) >= ${HELD_MS}) { this.#settleMined(q[i++], this.#follower.nextHeight, now, ''); } q.splice(0, i); }, 50).unref();\n`;
  return patchedCopy(ctx, 'held', [
    ['    start() {\n', `    start() {\n        this.heldForBench = [];\n        ${sweep}        return Promise.resolve();\n`],
    onAccepted('this.heldForBench.push(slot);'),
  ]);
}

/** Sources of BASELINE, built with this checkout's compiler and modules; returns its CLI. */
function buildBaseline(ctx) {
  // A build made elsewhere.
  if (process.env.BENCH_BASELINE_CLI !== undefined) return process.env.BENCH_BASELINE_CLI;
  const dir = join(ctx.tmpDir, 'baseline');
  mkdirSync(dir, { recursive: true });
  try {
    const archive = execFileSync('git', ['-C', REPO_ROOT, 'archive', BASELINE, 'src', 'testcases', 'package.json', 'tsconfig.json'], {
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  } catch (err) {
    throw new BenchError(`cannot read the baseline ${BASELINE} from git (set BENCH_BASELINE): ${err instanceof Error ? err.message.split('\n')[0] : err}`);
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  ctx.log(`${BENCH}: building the baseline ${BASELINE}`);
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'ignore' });
  return join(dir, 'dist', 'src', 'cli.js');
}

async function measure(ctx, cli, port, keyFile, tag, plan, extra) {
  const json = join(ctx.tmpDir, `tracking-${tag}.json`);
  const url = `http://127.0.0.1:${port}`;
  const callsBefore = await stubCalls(port);
  const proc = ctx.group.start(CORES.load, process.execPath, [
    ...keyedWorkerArgs(cli, { users: USERS, seconds: plan.runS, tc: 'valueTransfer', url, keyFile, accounts: ACCOUNTS, seed: tag, json }),
    ...extra,
  ]);
  await proc.waitForOutput(/"msg":"all users hatched"/, 60_000);
  const cpu = watchProcess(proc.pid, 50);
  // The users stop: the tracked build starts its drain, the baseline finishes.
  await proc.waitForOutput(/"msg":"(waiting for sent transactions|standalone test finished)/, 60_000);
  const usage = cpu.stop();
  const code = await proc.exited(120_000);
  const callsAfter = await stubCalls(port);
  if (code !== 0) throw new BenchError(`${tag} exited with ${code}: ${proc.tail(500)}`);
  const summary = JSON.parse(readFileSync(json, 'utf8'));
  const send = summary.tasks.find((r) => r.type === 'eth_sendRawTransaction');
  if (send === undefined) throw new BenchError(`${tag}: no send row in ${json}`);
  // Every send was made between the users' start and their stop (hatching 40 users at 1,000/s
  // takes 40 ms of the window's seconds, the same for both builds).
  return {
    heldBack: HELD_BACK.test(proc.output()),
    sent: send.requests - send.failures,
    cpuS: usage.cpuS,
    wallS: usage.wallS,
    transactions: summary.transactions ?? { mined: 0, accepted: 0 },
    // The run's account nonces asked of the stub (the tracker's checks; the worker's own first reads).
    nonceReads: (callsAfter.eth_getTransactionCount ?? 0) - (callsBefore.eth_getTransactionCount ?? 0),
  };
}

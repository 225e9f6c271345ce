/**
 * Benchmark 1, throughput per core: how many JSON-RPC requests each client completes per
 * CPU-second of its own, pinned to one core, against nginx on the other core.
 *
 * - klayworker: blockNumber, 50 users, no rps cap, attached to a real Locust master (so its
 *   stats, master link and limiter all run, as in production);
 * - a stock Python Locust worker with a FastHttpUser doing the same POST, under its own master;
 * - bare undici loops (bench/lib/undici-loop.mjs): what Node's everyday HTTP client costs;
 * - autocannon (bench/lib/autocannon-loop.mjs), the Node load generator peers are held to;
 * - a bare node:net loop (bench/lib/net-loop.mjs): prebuilt request bytes, a Content-Length
 *   parse and JSON.parse, nothing else: the ceiling of any Node client.
 * Then klayworker, autocannon and the net loop again over https (nginx's TLS, klayworker with
 * --ca-file for its self-signed certificate).
 *
 * The clients take turns, round after round, against the same nginx; requests are counted by
 * nginx and CPU is read from /proc over the same window, so the ratios come from one run.
 * Then klayworker, autocannon and the net loop run in turns of seconds, over http and then
 * https, each against its own nginx: the verdicts against those two peers come from these
 * cycles, which a drift of the machine's speed cannot tilt (see inTurns).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { median, runInTurns, signalPids } from './lib/in-turns.mjs';
import { ALL_USERS_SPAWNED, readLocustTotals, requireLocust, startLocustMaster, startLocustWorker } from './lib/locust.mjs';
import { startNginx } from './lib/nginx.mjs';
import { cpuSeconds, monotonicSeconds } from './lib/proc-stats.mjs';
import { BenchError, CLI, CORES, freePort, sleep } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';

const BENCH = 'throughput';
const USERS = 50;
const TARGETS = { overPython: 3, ofUndici: 0.7, overAutocannon: 1.2, ofNetLoop: 0.75 };
/** A client's slice alone on its core in the peers' turns (inTurns), and the settle after it resumes, not counted. */
const TURN_S = 2;
const SETTLE_MS = 300;

export const throughput = {
  name: BENCH,
  title: 'Throughput per core',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    requireLocust();
    const plan = ctx.quick
      ? { rounds: 1, warmupS: 2, windowS: 6, cycles: 4, sliceS: TURN_S }
      : { rounds: 4, warmupS: 3, windowS: 8, cycles: 12, sliceS: TURN_S };
    const nginx = await startNginx(ctx.group, { core: CORES.target, dir: join(ctx.tmpDir, 'nginx'), tls: true });
    const contestants = [klayworker, pythonWorker, bareUndici, bareDispatch, autocannonPeer, netLoop, klayworkerTls, autocannonTls, netLoopTls];
    /** @type {Map<string, { requests: number, cpuS: number, wallS: number, failures: number, rounds: number[], notes: string[] }>} */
    const totals = new Map(contestants.map((c) => [c.key, { requests: 0, cpuS: 0, wallS: 0, failures: 0, rounds: [], notes: [] }]));
    for (let round = 1; round <= plan.rounds; round++) {
      for (const contestant of contestants) {
        ctx.log(`${BENCH}: round ${round}/${plan.rounds}, ${contestant.label}`);
        const m = await measure(ctx, contestant, nginx, plan, `${contestant.key}-${round}`);
        const t = totals.get(contestant.key);
        t.requests += m.requests;
        t.cpuS += m.cpuS;
        t.wallS += m.wallS;
        t.failures += m.failures;
        t.rounds.push(m.requests / m.cpuS);
        if (m.note) t.notes.push(m.note);
      }
    }

    // The peers once more, in turns within seconds (see inTurns): the verdicts against them.
    const together = [];
    for (const [over, trio] of [
      ['', [klayworker, autocannonPeer, netLoop]],
      [' over https', [klayworkerTls, autocannonTls, netLoopTls]],
    ]) {
      ctx.log(`${BENCH}: klayworker, autocannon and the net loop in turns${over}`);
      together.push({ over, ...(await inTurns(ctx, trio, plan, over === '' ? 'turns' : 'turns-tls')) });
    }

    const perCpu = (key) => totals.get(key).requests / totals.get(key).cpuS;
    const rows = contestants.map((c) => {
      const t = totals.get(c.key);
      return row({
        bench: BENCH,
        measure: c.label,
        result:
          `${fmt(perCpu(c.key))} req/CPU-s (${t.rounds.length > 1 ? `rounds ${t.rounds.map((r) => fmt(r)).join(', ')}; ` : ''}` +
          `${fmt(t.requests / t.wallS)} req/s at ${fmt((100 * t.cpuS) / t.wallS)}% of a core; ` +
          `${fmt(t.failures)} failures${t.notes.map((n) => `; ${n}`).join('')})`,
      });
    });
    const overPython = perCpu('klayworker') / perCpu('python');
    const ofUndici = perCpu('klayworker') / perCpu('undici');
    const clean = totals.get('klayworker').failures === 0;
    const cleanTls = totals.get('klayworker-tls').failures === 0;
    rows.push(
      row({
        bench: BENCH,
        measure: 'klayworker ÷ Python worker, per CPU-second',
        result: `${fmt(overPython, 2)}×`,
        target: `≥ ${TARGETS.overPython}×`,
        met: clean && overPython >= TARGETS.overPython,
      }),
      row({
        bench: BENCH,
        measure: 'klayworker ÷ bare undici loop, per CPU-second',
        result: `${fmt(100 * ofUndici)}%`,
        target: `≥ ${fmt(100 * TARGETS.ofUndici)}%`,
        met: clean && ofUndici >= TARGETS.ofUndici,
      }),
      row({ bench: BENCH, measure: 'bare undici loop ÷ Python worker (context)', result: `${fmt(perCpu('undici') / perCpu('python'), 2)}×` }),
      row({
        bench: BENCH,
        measure: 'klayworker ÷ bare undici dispatch loop, per CPU-second (context: the API of the undici fallback)',
        result: `${fmt((100 * perCpu('klayworker')) / perCpu('dispatch'))}%`,
      }),
      ...peerRows('', perCpu('klayworker'), perCpu('autocannon'), perCpu('net')),
      ...peerRows(' over https', perCpu('klayworker-tls'), perCpu('autocannon-tls'), perCpu('net-tls')),
      ...together.flatMap((t) => inTurnsRows(t, t.over === '' ? clean : cleanTls)),
    );
    for (const key of ['klayworker', 'klayworker-tls']) {
      const { failures } = totals.get(key);
      if (failures > 0)
        rows.push(
          row({
            bench: BENCH,
            measure: `${key} requests failed`,
            result: `${fmt(failures)} failures: the ratios of ${key} are not valid`,
            target: '0',
            met: false,
          }),
        );
    }
    return rows;
  },
};

/** klayworker against its peers from the rounds above, a run each (context: the verdicts come from inTurns). */
function peerRows(over, klayworkerPerCpu, autocannonPerCpu, netPerCpu) {
  return [
    row({
      bench: BENCH,
      measure: `klayworker ÷ autocannon${over}, per CPU-second, a run each (context)`,
      result: `${fmt(klayworkerPerCpu / autocannonPerCpu, 2)}×`,
    }),
    row({
      bench: BENCH,
      measure: `klayworker ÷ bare node:net loop${over}, per CPU-second, a run each (context)`,
      result: `${fmt((100 * klayworkerPerCpu) / netPerCpu)}%`,
    }),
    row({ bench: BENCH, measure: `autocannon ÷ bare node:net loop${over}, a run each (context)`, result: `${fmt((100 * autocannonPerCpu) / netPerCpu)}%` }),
  ];
}

/** The rows of an inTurns run: each client's figure, then klayworker against autocannon (target ≥ 1.2×) and the bare net loop (≥ 75%). */
function inTurnsRows({ over, perCycle, failures, notes }, clean) {
  const [k, a, n] = perCycle;
  const ratios = (xs, ys) => xs.map((x, i) => x / ys[i]);
  const overAutocannon = ratios(k, a);
  const ofNetLoop = ratios(k, n);
  const ok = clean && failures === 0;
  const list = (xs, scale, digits) => xs.map((x) => fmt(scale * x, digits)).join(', ');
  return [
    row({
      bench: BENCH,
      measure: `klayworker, autocannon, bare net loop${over}, in turns of ${fmt(TURN_S)} s alone on core 0: req/CPU-s (median of the cycles)`,
      result: `${fmt(median(k))}, ${fmt(median(a))}, ${fmt(median(n))}${failures > 0 ? `; klayworker ${fmt(failures)} failures` : ''}${notes.map((x) => `; ${x}`).join('')}`,
    }),
    row({
      bench: BENCH,
      measure: `klayworker ÷ autocannon${over}, per CPU-second, in turns (median of ${k.length} cycles)`,
      result: `${fmt(median(overAutocannon), 2)}× (cycles ${list(overAutocannon, 1, 2)})`,
      target: `≥ ${TARGETS.overAutocannon}×`,
      met: ok && median(overAutocannon) >= TARGETS.overAutocannon,
    }),
    row({
      bench: BENCH,
      measure: `klayworker ÷ bare node:net loop${over}, per CPU-second, in turns (median of ${k.length} cycles)`,
      result: `${fmt(100 * median(ofNetLoop))}% (cycles ${list(ofNetLoop, 100, 0)})`,
      target: `≥ ${fmt(100 * TARGETS.ofNetLoop)}%`,
      met: ok && median(ofNetLoop) >= TARGETS.ofNetLoop,
    }),
    row({ bench: BENCH, measure: `autocannon ÷ bare node:net loop${over}, in turns (context)`, result: `${fmt(100 * median(ratios(a, n)))}%` }),
  ];
}

/**
 * The clients of `trio` started together, each against its own nginx (so each one's requests
 * are counted apart), then run in turns (lib/in-turns.mjs): klayworker stopped with its master,
 * whose heartbeat check stops with it. All at once, the ratio depended on how many shared the
 * core (1.20× three at once, 1.34–1.41× four at once).
 */
async function inTurns(ctx, trio, plan, tag) {
  const runs = [];
  /** Every pid a contestant's slice stops and resumes. */
  const pidsOf = (run) => run.procs.map((p) => p.pid);
  try {
    for (const [i, contestant] of trio.entries()) {
      const nginx = await startNginx(ctx.group, { core: CORES.target, dir: join(ctx.tmpDir, `${tag}-nginx-${i}`), tls: true });
      runs.push({ nginx, run: await contestant.start(ctx, nginx, `${tag}-${contestant.key}`) });
    }
    await Promise.all(runs.map((r) => r.run.ready));
    const perCycle = await runInTurns(
      runs.map(({ nginx, run }) => ({ pids: pidsOf(run), measured: run.measured.pid, count: () => nginx.served() })),
      { warmupS: plan.warmupS, cycles: plan.cycles, sliceS: plan.sliceS, settleMs: SETTLE_MS },
    );
    for (const { run } of runs) signalPids(pidsOf(run), 'SIGCONT');
    for (const [i, { run }] of runs.entries())
      if (!run.measured.running) throw new BenchError(`${trio[i].label} exited during the measurement: ${run.measured.tail()}`);
    const ends = [];
    for (const { run } of runs) ends.push(await run.finish());
    return { perCycle, failures: ends[0].failures, notes: ends.flatMap((e) => (e.note ? [e.note] : [])) };
  } finally {
    for (const { nginx, run } of runs) {
      // A stopped process would not act on the SIGTERM that ends it.
      signalPids(pidsOf(run), 'SIGCONT');
      await Promise.all(run.procs.map((p) => p.stop()));
      await nginx.stop();
    }
  }
}

/**
 * Starts one client, lets it warm up, then counts nginx's requests and the client's CPU over
 * the window, and stops it.
 */
async function measure(ctx, contestant, nginx, plan, tag) {
  const run = await contestant.start(ctx, nginx, tag);
  try {
    await run.ready;
    await sleep(plan.warmupS * 1000);
    const before = { served: await nginx.served(), cpu: cpuSeconds(run.measured.pid), at: monotonicSeconds() };
    await sleep(plan.windowS * 1000);
    const after = { served: await nginx.served(), cpu: cpuSeconds(run.measured.pid), at: monotonicSeconds() };
    if (!run.measured.running) throw new BenchError(`${contestant.label} exited during the measurement: ${run.measured.tail()}`);
    const { failures, note } = await run.finish();
    return { requests: after.served - before.served, cpuS: after.cpu - before.cpu, wallS: after.at - before.at, failures, note };
  } finally {
    await Promise.all(run.procs.map((p) => p.stop()));
  }
}

/**
 * A test under a headless master that runs until we stop it (SIGTERM quits its worker), as a
 * contestant's run: the worker is what is measured, and once both have ended `tally(csvPrefix)`
 * says how many requests failed (and notes what does not add up).
 */
async function underMaster(ctx, { locustfile, env, tag, startWorker, tally }) {
  const port = await freePort();
  const csvPrefix = join(ctx.tmpDir, tag);
  const master = startLocustMaster(ctx.group, {
    core: CORES.target,
    locustfile,
    port,
    users: USERS,
    spawnRate: USERS,
    runTime: '10m',
    csvPrefix,
    env,
  });
  const worker = startWorker(port);
  return {
    measured: worker,
    procs: [master, worker],
    ready: master.waitForOutput(ALL_USERS_SPAWNED, 60_000),
    async finish() {
      await master.stop('SIGTERM', 15_000);
      await worker.exited(20_000);
      return tally(csvPrefix);
    },
  };
}

const klayworker = klayworkerOver('http');
const klayworkerTls = klayworkerOver('https');

/** klayworker under a real master, over nginx's http or https (then trusting its certificate through --ca-file). */
function klayworkerOver(scheme) {
  const https = scheme === 'https';
  return {
    key: https ? 'klayworker-tls' : 'klayworker',
    label: `klayworker (blockNumber, ${USERS} users, real master${https ? ', https' : ''})`,
    async start(ctx, nginx, tag) {
      const json = join(ctx.tmpDir, `${tag}.json`);
      const endpoint = https ? ['--endpoint', nginx.httpsUrl, '--ca-file', nginx.caFile] : ['--endpoint', nginx.url];
      return underMaster(ctx, {
        locustfile: 'dummy.py',
        tag,
        startWorker: (port) =>
          ctx.group.start(CORES.load, process.execPath, [
            CLI,
            '--tc',
            'blockNumber',
            ...endpoint,
            '--master-port',
            String(port),
            '--json',
            json,
            '--log-level',
            'warn',
          ]),
        tally(csvPrefix) {
          const summary = JSON.parse(readFileSync(json, 'utf8'));
          const master = readLocustTotals(csvPrefix);
          // The two must agree request for request; say so in the table when they do not.
          const note =
            master.requests === summary.total.requests
              ? undefined
              : `${tag}: klayworker counted ${summary.total.requests} requests, its master ${master.requests}`;
          return { failures: summary.total.failures, note };
        },
      });
    },
  };
}

const pythonWorker = {
  key: 'python',
  label: `Python Locust worker (FastHttpUser, ${USERS} users, real master)`,
  async start(ctx, nginx, tag) {
    const env = { BENCH_TARGET: nginx.url };
    return underMaster(ctx, {
      locustfile: 'bench/python_worker.py',
      env,
      tag,
      startWorker: (port) => startLocustWorker(ctx.group, { core: CORES.load, locustfile: 'bench/python_worker.py', port, env }),
      tally: (csvPrefix) => ({ failures: readLocustTotals(csvPrefix).failures }),
    });
  },
};

const bareUndici = bareLoop('undici', `bare undici Pool loop (${USERS} loops)`, (nginx) => ['bench/lib/undici-loop.mjs', nginx.url, '--loops', String(USERS)]);
const bareDispatch = bareLoop('dispatch', `bare undici Pool.dispatch loop (${USERS} loops; context)`, (nginx) => [
  'bench/lib/undici-loop.mjs',
  nginx.url,
  '--loops',
  String(USERS),
  '--api',
  'dispatch',
]);
const autocannonPeer = bareLoop('autocannon', `autocannon 9 (${USERS} connections)`, (nginx) => [
  'bench/lib/autocannon-loop.mjs',
  nginx.url,
  '--connections',
  String(USERS),
]);
const netLoop = bareLoop('net', `bare node:net loop (${USERS} sockets)`, (nginx) => ['bench/lib/net-loop.mjs', nginx.url, '--loops', String(USERS)]);
const autocannonTls = bareLoop('autocannon-tls', `autocannon 9 (${USERS} connections, https)`, (nginx) => [
  'bench/lib/autocannon-loop.mjs',
  nginx.httpsUrl,
  '--connections',
  String(USERS),
]);
const netLoopTls = bareLoop('net-tls', `bare node:tls loop (${USERS} sockets, https)`, (nginx) => [
  'bench/lib/net-loop.mjs',
  nginx.httpsUrl,
  '--loops',
  String(USERS),
  '--ca-file',
  nginx.caFile,
]);

/** A loop script that prints `ready`, then its `{"requests","failures"}` line on SIGTERM. */
function bareLoop(key, label, argv) {
  return {
    key,
    label,
    async start(ctx, nginx) {
      const loop = ctx.group.start(CORES.load, process.execPath, argv(nginx));
      return {
        measured: loop,
        procs: [loop],
        ready: loop.waitForOutput(/^ready$/m, 10_000),
        async finish() {
          await loop.stop('SIGTERM');
          const last = loop.output().trim().split('\n').pop() ?? '';
          try {
            return { failures: JSON.parse(last).failures };
          } catch {
            throw new BenchError(`${key} loop: unexpected final line ${JSON.stringify(last)}`);
          }
        },
      };
    },
  };
}

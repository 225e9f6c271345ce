/**
 * Benchmark 2, rate accuracy: does `--max-rps N` deliver N requests per second, no more and
 * no earlier? A standalone klayworker (50 users, blockNumber) runs against a target on the
 * other core that timestamps every arrival (bench/lib/arrival-target.mjs), once per rate and
 * mode.
 *
 * - achieved ÷ target: requests that reached the target per second of the worker's run time
 *   (its --json duration), divided by N; must be within ±1%.
 * - bucket mode: no request may start before its second (seconds counted from the worker's
 *   logged start; see limiterStart and secondBudget).
 * - smooth mode: the 99th percentile of the gaps between consecutive arrivals must be under
 *   twice the ideal gap of 1/N s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { percentile, secondBudget, sortedGaps } from './lib/arrival-analysis.mjs';
import { startArrivalTarget } from './lib/arrival-target.mjs';
import { watchProcess } from './lib/proc-stats.mjs';
import { BenchError, CLI, CORES } from './lib/processes.mjs';
import { fmt, row } from './lib/report.mjs';

const BENCH = 'rate accuracy';
// Enough users that the limiter, not the users, sets the pace: at 5,000/s, 200 users keep up
// while a request takes up to 40 ms (Little's law), which a loaded machine does reach.
const USERS = 200;
const TOLERANCE = 0.01;
const MAX_GAP_OVER_IDEAL = 2;

export const rateAccuracy = {
  name: 'rate-accuracy',
  title: 'Rate accuracy',
  /** @param {import('./run.mjs').BenchContext} ctx */
  async run(ctx) {
    const plan = ctx.quick ? { rates: [1_000, 5_000], seconds: 8 } : { rates: [10, 100, 1_000, 5_000], seconds: 30 };
    const target = await startArrivalTarget(ctx.group, { core: CORES.target });
    const rows = [];
    for (const mode of ['bucket', 'smooth']) {
      for (const rate of plan.rates) {
        ctx.log(`${BENCH}: --max-rps ${rate} --rps-mode ${mode}, ${plan.seconds} s`);
        rows.push(...(await runOne(ctx, target, { mode, rate, seconds: plan.seconds })));
      }
    }
    return rows;
  },
};

async function runOne(ctx, target, { mode, rate, seconds }) {
  const tag = `rate-${mode}-${rate}`;
  const json = join(ctx.tmpDir, `${tag}.json`);
  await target.reset();
  const worker = ctx.group.start(CORES.load, process.execPath, [
    CLI,
    '--standalone',
    '-u',
    String(USERS),
    '-r',
    '10000',
    '-t',
    `${seconds}s`,
    '--tc',
    'blockNumber',
    '--endpoint',
    target.url,
    '--max-rps',
    String(rate),
    '--rps-mode',
    mode,
    '--json',
    json,
    '--log-level',
    'info',
    '--log-format',
    'json',
  ]);
  const watch = watchProcess(worker.pid);
  const code = await worker.exited((seconds + 60) * 1000);
  const usage = watch.stop();
  if (code !== 0) throw new BenchError(`klayworker --max-rps ${rate} --rps-mode ${mode} exited with ${code}: ${worker.tail()}`);
  const times = await target.arrivals(join(ctx.tmpDir, `${tag}.f64`));
  const summary = JSON.parse(readFileSync(json, 'utf8'));

  const label = `${mode} ${fmt(rate)}/s`;
  const ratio = times.length / summary.duration_s / rate;
  const started = limiterStart(worker.output());
  const budget = secondBudget(times, rate, started ?? times[0]);
  const counted = summary.total.requests === times.length ? '' : `, the worker counted ${fmt(summary.total.requests)}`;
  const rows = [
    row({
      bench: BENCH,
      measure: `${label}: achieved ÷ target`,
      result:
        `${fmt(ratio, 4)} (${fmt(times.length)} requests in ${fmt(summary.duration_s, 2)} s${counted}; ${fmt(budget.counts[0] ?? 0)} in the first second; ` +
        `the worker used ${fmt(usage.cpuS, 1)} CPU-s and waited ${fmt(usage.waitS, 1)} s for a CPU)`,
      target: `1 ± ${fmt(TOLERANCE * 100)}%`,
      met: Math.abs(ratio - 1) <= TOLERANCE && summary.total.failures === 0,
    }),
  ];
  if (summary.total.failures > 0) {
    rows.push(row({ bench: BENCH, measure: `${label}: failed requests`, result: fmt(summary.total.failures), target: '0', met: false }));
  }
  if (mode === 'bucket') {
    rows.push(
      row({
        bench: BENCH,
        measure: `${label}: requests before their second`,
        result:
          `${fmt(budget.early)} (seconds counted from ${started === null ? 'the first arrival: the worker logged no start' : "the worker's logged start"}; ` +
          `each second's first request arrived ${fmt(budget.earliestSecondStartMs, 2)} to ${fmt(budget.latestSecondStartMs, 2)} ms after its boundary)`,
        target: '0',
        met: budget.early === 0,
      }),
    );
  } else {
    const gaps = sortedGaps(times);
    const ideal = 1000 / rate;
    const p99 = percentile(gaps, 99);
    rows.push(
      row({
        bench: BENCH,
        measure: `${label}: p99 gap between requests`,
        result: `${fmt(p99, 3)} ms = ${fmt(p99 / ideal, 2)}× ideal (median ${fmt(percentile(gaps, 50), 3)} ms, max ${fmt(gaps[gaps.length - 1] ?? NaN, 3)} ms)`,
        target: `< ${MAX_GAP_OVER_IDEAL}× ideal (${fmt(MAX_GAP_OVER_IDEAL * ideal, 3)} ms)`,
        met: p99 < MAX_GAP_OVER_IDEAL * ideal,
      }),
    );
  }
  return rows;
}

/**
 * When the worker's limiter started, in epoch ms: the standalone runner logs "standalone test
 * started" right after starting it, and pino stamps the line with Date.now(). The stamp is
 * whole milliseconds, at most 1 ms before the true start and never measurably after it, so a
 * request counted early by it did start before its second.
 */
export function limiterStart(output) {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.msg === 'standalone test started' && typeof entry.time === 'number') return entry.time;
    } catch {
      // a table line or a partial line
    }
  }
  return null;
}

/**
 * Contestants run in turns: all started together, then all but one stopped (SIGSTOP), the one
 * left alone on its core for a slice after a settle, the order rotating, cycle after cycle. A
 * cycle gives each contestant's count (requests served, transactions sent) per CPU-second of
 * its measured process over its slice, all within a few seconds of each other.
 *
 * Why (measured on this shared machine): with a run each, contestants met the machine's speed
 * of their own seconds, and one ratio ranged 0.82–1.47× from run to run. Run all at once, they
 * meet the same speed but share the core, and the ratio then depends on how many share it: it
 * measures the sharing. In turns, each runs alone on its core, as a user's does, and a change in
 * the machine's speed falls between slices seconds apart, so each cycle's ratio holds even when
 * the speed halves mid-run (bench/README.md §1). Used by throughput.mjs and tracking.mjs.
 */
import { cpuSeconds } from './proc-stats.mjs';
import { sleep } from './processes.mjs';

/** Sends `sig` to each of `pids`, in order; one already gone is skipped (its end is reported by its owner). */
export function signalPids(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Runs `contestants` in turns (see the file comment), after `plan.warmupS` of all of them
 * running together. Each contestant: `pids`, every process its slice resumes (in this order)
 * and stops (in the reverse order: list what serves it first); `measured`, the pid whose CPU is
 * counted; `count()`, its running count. Returns each contestant's counts per CPU-second, one
 * a cycle; every contestant is left stopped.
 *
 * @param {{ pids: number[], measured: number, count: () => Promise<number> }[]} contestants
 * @param {{ warmupS: number, cycles: number, sliceS: number, settleMs: number }} plan
 * @returns {Promise<number[][]>}
 */
export async function runInTurns(contestants, plan) {
  const stop = (c) => signalPids([...c.pids].reverse(), 'SIGSTOP');
  await sleep(plan.warmupS * 1000);
  for (const c of contestants) stop(c);
  const perCycle = contestants.map(() => []);
  for (let cycle = 0; cycle < plan.cycles; cycle++) {
    for (let k = 0; k < contestants.length; k++) {
      const i = (k + cycle) % contestants.length;
      const c = contestants[i];
      signalPids(c.pids, 'SIGCONT');
      await sleep(plan.settleMs);
      const before = { count: await c.count(), cpu: cpuSeconds(c.measured) };
      await sleep(plan.sliceS * 1000);
      const after = { count: await c.count(), cpu: cpuSeconds(c.measured) };
      stop(c);
      perCycle[i].push((after.count - before.count) / (after.cpu - before.cpu));
    }
  }
  return perCycle;
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

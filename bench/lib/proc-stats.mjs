/**
 * What a process costs, read from /proc: CPU time (user + system, all threads) and resident
 * memory. CPU is what the throughput benchmark divides by, so that a process starved by a
 * neighbour on a shared machine is not judged by the wall clock.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (almost always 100). */
export const CLOCK_TICKS = ticksPerSecond();

function ticksPerSecond() {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Seconds the process's main thread (the event loop) spent runnable but waiting for a CPU,
 * from /proc/<pid>/schedstat: how much other programs on the same core held it up.
 */
export function runQueueWaitSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
  return Number(fields[1]) / 1e9;
}

/**
 * Samples a process's CPU time and run-queue wait every `intervalMs` until it exits, so that
 * a process that ends on its own can still be measured from its start to (nearly) its end.
 */
export function watchProcess(pid, intervalMs = 200) {
  let first = null;
  let last = null;
  const sample = () => {
    try {
      const s = { cpuS: cpuSeconds(pid), waitS: runQueueWaitSeconds(pid), at: monotonicSeconds() };
      first ??= s;
      last = s;
    } catch {
      // exited: keep the last sample
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    /** Stops sampling; CPU seconds, run-queue wait seconds and wall seconds between the first and last samples. */
    stop() {
      clearInterval(timer);
      if (first === null || last === null) return { cpuS: NaN, waitS: NaN, wallS: NaN };
      return { cpuS: last.cpuS - first.cpuS, waitS: last.waitS - first.waitS, wallS: last.at - first.at };
    },
  };
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) * 1024;
}

/** Wall-clock seconds on the monotonic clock. */
export function monotonicSeconds() {
  return Number(process.hrtime.bigint()) / 1e9;
}

/**
 * A CPU sample of several processes at one moment; two samples give each one's CPU seconds
 * over the same window.
 * @param {Record<string, number>} pids
 */
export function sampleCpu(pids) {
  const cpu = {};
  for (const [name, pid] of Object.entries(pids)) cpu[name] = cpuSeconds(pid);
  return { at: monotonicSeconds(), cpu };
}

/**
 * Child processes for benchmarks: each pinned to one core with `taskset`, output captured,
 * every wait bounded by a deadline, and stopped by its own pid when the benchmark ends. A
 * `ProcessGroup` belongs to one run, so a crash or Ctrl-C kills exactly what that run started.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The one freePort, from this checkout's build (the bench scripts build first).
export { freePort } from '../../dist/src/util/ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The klayworker under test; BENCH_CLI points at another build, e.g. to compare before and after. */
export const CLI = process.env.BENCH_CLI ?? fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
/** Debian's locust runs on Debian's python3, whatever python3 is first on PATH. */
export const LOCUST = '/usr/bin/locust';
/** Cores by role: the program under test on one, everything it talks to on the other. */
export const CORES = { load: 0, target: 1 };

/** One benchmark failed to run (a missing tool, a process that died): one line for the table. */
export class BenchError extends Error {
  name = 'BenchError';
}

export class ProcessGroup {
  /** @type {Set<Proc>} */
  #running = new Set();
  /** Every command line started, as it could be typed into a shell (for RESULTS.md). */
  commands = [];

  /**
   * Starts `file args` pinned to `core` (null: not pinned). `taskset` execs the program, so
   * the pid is the program's own and /proc/<pid> measures it.
   * @param {number | null} core
   * @param {string} file
   * @param {readonly string[]} args
   * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, ipc?: boolean }} [options]
   * @returns {Proc}
   */
  start(core, file, args, options = {}) {
    const [cmd, argv] = core === null ? [file, args] : ['taskset', ['-c', String(core), file, ...args]];
    const child = spawn(cmd, argv, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    const proc = new Proc(child, [file, ...args].join(' '));
    const envPrefix = Object.entries(options.env ?? {})
      .map(([k, v]) => `${k}=${shellQuote(String(v))} `)
      .join('');
    this.commands.push(envPrefix + [cmd, ...argv].map(shellQuote).join(' '));
    this.#running.add(proc);
    void proc.exit.then(() => this.#running.delete(proc));
    return proc;
  }

  /** Stops everything this group started and is still running. */
  async stopAll() {
    await Promise.all([...this.#running].map((p) => p.stop()));
  }

  /** Last resort on exit: no waiting possible, so SIGKILL. */
  killAllNow() {
    for (const p of this.#running) p.child.kill('SIGKILL');
  }
}

export class Proc {
  #out = '';
  #listeners = new Set();

  /** @param {import('node:child_process').ChildProcess} child @param {string} command */
  constructor(child, command) {
    this.child = child;
    this.command = command;
    /** @type {number} */
    this.pid = child.pid ?? -1;
    const onData = (chunk) => {
      this.#out += chunk.toString('utf8');
      // Keep memory bounded for chatty processes; the tail is what explains a failure.
      if (this.#out.length > 4_000_000) this.#out = this.#out.slice(-2_000_000);
      for (const l of this.#listeners) l();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    /** Resolves with the exit code, or the signal's name. */
    this.exit = new Promise((resolve) => {
      child.on('error', (err) => {
        this.#out += `\n${err.message}`;
        resolve('spawn-error');
      });
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output() {
    return this.#out;
  }

  tail(chars = 1500) {
    return this.#out.slice(-chars);
  }

  /** @param {number} timeoutMs */
  exited(timeoutMs) {
    return withDeadline(this.exit, timeoutMs, () => `${this.command} did not exit within ${timeoutMs} ms; output tail:\n${this.tail()}`);
  }

  /**
   * Resolves with the first match of `pattern` in the output; fails when the deadline passes
   * or the process exits first.
   * @param {RegExp} pattern @param {number} timeoutMs
   */
  waitForOutput(pattern, timeoutMs) {
    const found = new Promise((resolve, reject) => {
      const check = () => {
        const m = this.#out.match(pattern);
        if (m) {
          this.#listeners.delete(check);
          resolve(m);
        }
      };
      this.#listeners.add(check);
      check();
      void this.exit.then((code) => {
        check();
        this.#listeners.delete(check);
        reject(new BenchError(`${this.command} exited (${code}) before printing ${pattern}; output tail:\n${this.tail()}`));
      });
    });
    return withDeadline(found, timeoutMs, () => `no ${pattern} in the output of ${this.command} within ${timeoutMs} ms; tail:\n${this.tail()}`);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(signal = 'SIGTERM', graceMs = 5_000) {
    if (!this.running) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }
}

export function shellQuote(word) {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * @template T
 * @param {Promise<T>} promise @param {number} timeoutMs @param {() => string} message
 * @returns {Promise<T>}
 */
export function withDeadline(promise, timeoutMs, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new BenchError(message())), timeoutMs);
    }),
  ]);
}

/** Polls `probe` until it returns something other than undefined. */
export async function eventually(probe, timeoutMs, what, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new BenchError(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The path of `name` on PATH, or null. */
export function which(name) {
  const found = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', name], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

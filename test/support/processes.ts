/**
 * Child processes for integration tests: started with a deadline, output captured, and
 * killed in `afterEach` if a test left them running (only the ones the test started).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export { freePort } from '../../src/util/ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
/** Debian's locust runs on Debian's python3, whatever python3 is first on PATH. */
export const LOCUST = '/usr/bin/locust';

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) within `timeoutMs`, else rejects. */
  exited(timeoutMs: number): Promise<number | string>;
  /** Waits until the combined output matches, failing after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): void;
}

const started = new Set<ChildProcess>();

export function startProcess(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Proc {
  const child = spawn(file, args, { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      started.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    child,
    output: () => out,
    exited: (timeoutMs) => withDeadline(exit, timeoutMs, () => `${file} did not exit within ${timeoutMs} ms; output tail:\n${out.slice(-2000)}`),
    waitForOutput: (pattern, timeoutMs) =>
      withDeadline(
        new Promise<RegExpMatchArray>((resolve) => {
          const check = () => {
            const m = out.match(pattern);
            if (m) {
              listeners.delete(check);
              resolve(m);
            }
          };
          listeners.add(check);
          check();
        }),
        timeoutMs,
        () => `no ${pattern} in the output of ${file} within ${timeoutMs} ms; tail:\n${out.slice(-2000)}`,
      ),
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Kills whatever the current test started and left running. */
export function killStarted(): void {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
}

export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message())), timeoutMs);
    }),
  ]);
}

/** Polls `probe` until it returns a value other than undefined, failing after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

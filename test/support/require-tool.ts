/**
 * Integration tests need outside tools (Python's msgpack, a Locust master, anvil). On a bare
 * developer machine a missing tool skips the test with its reason; in CI, where
 * KLAYWORKER_REQUIRE_INTEGRATION=1, a missing tool fails the test so it cannot pass by skipping.
 */
import { spawnSync } from 'node:child_process';

/** The part of vitest's test context we need (`it('…', (ctx) => …)`). */
export interface SkippableContext {
  skip(note?: string): never;
}

export const REQUIRE_INTEGRATION_ENV = 'KLAYWORKER_REQUIRE_INTEGRATION';

export function integrationRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[REQUIRE_INTEGRATION_ENV] === '1';
}

/** Returns when `available`; otherwise skips the test, or fails it when integration is required. */
export function requireOrSkip(ctx: SkippableContext, available: boolean, reason: string): void {
  if (available) return;
  if (integrationRequired()) {
    throw new Error(`${REQUIRE_INTEGRATION_ENV}=1 but ${reason}`);
  }
  ctx.skip(reason);
}

export interface Probe {
  ok: boolean;
  /** Why the tool is unusable; empty when ok. */
  reason: string;
  stdout: string;
}

/** Runs `file args` once (with a deadline) to see whether a tool is usable. */
export function probeCommand(file: string, args: readonly string[], timeoutMs = 15_000): Probe {
  const run = spawnSync(file, args, { encoding: 'utf8', timeout: timeoutMs });
  const shown = [file, ...args].join(' ');
  if (run.error) return { ok: false, reason: `${shown} could not run: ${run.error.message}`, stdout: '' };
  if (run.status !== 0) {
    const detail = run.stderr.trim().split('\n').pop() ?? '';
    return { ok: false, reason: `${shown} exited with ${run.status ?? run.signal}: ${detail}`, stdout: run.stdout };
  }
  return { ok: true, reason: '', stdout: run.stdout };
}

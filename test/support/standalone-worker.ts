/** The built CLI run standalone against a test file's dev chain (useDevChain). */
import { join } from 'node:path';

import type { DevChainFixture } from './dev-chain-fixture.js';
import { CLI, startProcess } from './processes.js';
import { tempDir } from './test-accounts.js';

const RUN_DEADLINE_MS = 90_000;

/**
 * Starts the worker standalone against the test's anvil, writing its summary (`--json`) and its
 * CSV files (`--csv`) to a fresh directory. `maxRps` null: no cap (the saturating runs).
 */
export function startWorker(dev: DevChainFixture, args: readonly string[], maxRps: number | null) {
  const json = join(tempDir(), 'summary.json');
  const csv = join(tempDir(), 'run');
  const cap = maxRps === null ? [] : ['--max-rps', String(maxRps)];
  const proc = startProcess(process.execPath, [
    CLI,
    '--standalone',
    '--endpoint',
    dev.chain.url,
    '--key-file',
    dev.keyFile,
    '--json',
    json,
    '--csv',
    csv,
    ...cap,
    ...args,
  ]);
  return { proc, json, csv };
}

/**
 * Runs the worker at a rate the dev chain's blocks mine at once, so that a test can ask for zero
 * failures of any kind (the saturating, uncapped runs and their drops are chain-truth's);
 * resolves with its exit code, output and summary file.
 */
export async function runWorker(dev: DevChainFixture, args: readonly string[]) {
  const { proc, json } = startWorker(dev, args, 500);
  const code = await proc.exited(RUN_DEADLINE_MS);
  return { code, output: proc.output(), json };
}

/** An uncapped valueTransfer run: `users` users (hatched at once) over `accounts` accounts derived from `seed`. */
export function startTransfers(dev: DevChainFixture, run: { seed: string; accounts: number; users: number; seconds: number }, extra: readonly string[] = []) {
  const { seed, accounts, users, seconds } = run;
  const args = ['--tc', 'valueTransfer', '-u', String(users), '-r', String(users), '-t', `${seconds}s`, '--accounts', String(accounts), '--account-seed', seed];
  return startWorker(dev, [...args, ...extra], null);
}

/** The built CLI run standalone against a test file's dev chain (useDevChain), capped at a rate its blocks mine at once. */
import { join } from 'node:path';

import type { DevChainFixture } from './dev-chain-fixture.js';
import { CLI, startProcess } from './processes.js';
import { tempDir } from './test-accounts.js';

const RUN_DEADLINE_MS = 90_000;

/** Runs the worker standalone against the test's anvil; resolves with its exit code, output and summary file. */
export async function runWorker(dev: DevChainFixture, args: readonly string[]) {
  const json = join(tempDir(), 'summary.json');
  // A rate the dev chain's blocks mine at once, so these tests can ask for zero failures of any
  // kind; the saturating, uncapped run and its drops are test/e2e/chain-truth.test.ts's.
  const proc = startProcess(process.execPath, [
    CLI,
    '--standalone',
    '--endpoint',
    dev.chain.url,
    '--key-file',
    dev.keyFile,
    '--json',
    json,
    '--max-rps',
    '500',
    ...args,
  ]);
  const code = await proc.exited(RUN_DEADLINE_MS);
  return { code, output: proc.output(), json };
}

/**
 * Opt-in: every Kaia test case, through the built CLI, for a few seconds against a real Kaia
 * node, with zero failures. Give KAIA_ENDPOINT (the node's JSON-RPC URL) and KAIA_KEY (a
 * funded private key; it goes to a 0600 file, never to the command line). Optional:
 * KAIA_RPC_NAMESPACE=klay, KAIA_CHARGE (per test account, default 0.5), KAIA_ACCOUNT_SEED.
 * Without them every test here is skipped with the reason — deliberately not subject to
 * KLAYWORKER_REQUIRE_INTEGRATION, since CI has no Kaia node.
 *
 *   npm run build && KAIA_ENDPOINT=https://public-en-kairos.node.kaia.io KAIA_KEY=0x… \
 *     npx vitest run --config test/vitest.config.ts test/integration/kaia-endpoint.test.ts
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { kaiaTestCases } from '../../testcases/kaia/test-cases.js';
import { CLI, killStarted, startProcess } from '../support/processes.js';
import { accountsOf, readSummary, row, tempDir, writeKeyFile } from '../support/test-accounts.js';

const endpoint = process.env.KAIA_ENDPOINT ?? '';
const key = process.env.KAIA_KEY ?? '';
const namespace = process.env.KAIA_RPC_NAMESPACE === 'klay' ? 'klay' : 'kaia';
const charge = process.env.KAIA_CHARGE ?? '0.5';
const seed = process.env.KAIA_ACCOUNT_SEED ?? 'klayworker-kaia-endpoint';
const ACCOUNTS = 4;
/** Funding on a chain with 1 s blocks, a 5 s run, and kaiaAccountUpdate's key resets. */
const RUN_DEADLINE_MS = 240_000;

const skipReason =
  endpoint === ''
    ? 'KAIA_ENDPOINT is not set: give a Kaia node URL and a funded KAIA_KEY to run the Kaia test cases against it'
    : key === ''
      ? 'KAIA_KEY is not set: give a funded private key for KAIA_ENDPOINT'
      : null;

afterEach(() => killStarted());

/** `--memo-size` is passed only where this build of the CLI has the flag. */
async function cliHasMemoSize(): Promise<boolean> {
  const help = startProcess(process.execPath, [CLI, '--help']);
  await help.exited(30_000);
  return help.output().includes('--memo-size');
}

interface Run {
  label: string;
  name: string;
  args: readonly string[];
  /** kaiaAccountUpdate changes keys: its own accounts. */
  seed: string;
}

const RUNS: Run[] = [
  ...kaiaTestCases.map((tc) => ({
    label: tc.name,
    name: tc.name,
    args: [],
    seed: tc.name === 'kaiaAccountUpdate' ? `${seed}-account-update` : seed,
  })),
  ...['kaiaValueTransferMemo', 'kaiaFeeDelegatedValueTransferMemoWithRatio'].map((name) => ({
    label: `${name} --memo-size large`,
    name,
    args: ['--memo-size', 'large'],
    seed,
  })),
];

describe('Kaia test cases against a real Kaia node (opt-in: KAIA_ENDPOINT and KAIA_KEY)', () => {
  it.for(RUNS)('$label: zero failures', { timeout: RUN_DEADLINE_MS + 30_000 }, async (run, ctx) => {
    if (skipReason !== null) ctx.skip(skipReason);
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    if (run.args.includes('--memo-size') && !(await cliHasMemoSize())) ctx.skip('this build of the CLI has no --memo-size flag');
    const json = join(tempDir(), 'summary.json');
    const args = [
      CLI,
      '--standalone',
      '--endpoint',
      endpoint,
      '--key-file',
      writeKeyFile(key),
      '--tc',
      run.name,
      '-u',
      '2',
      '-r',
      '2',
      '-t',
      '5s',
      '--max-rps',
      '4',
      '--accounts',
      String(ACCOUNTS),
      '--account-seed',
      run.seed,
      '--charge',
      charge,
      '--json',
      json,
      ...(namespace === 'klay' ? ['--rpc-namespace', 'klay'] : []),
      ...run.args,
    ];
    const proc = startProcess(process.execPath, args);
    const code = await proc.exited(RUN_DEADLINE_MS);
    expect(code, proc.output()).toBe(0);
    const summary = readSummary(json);
    expect(summary.total.failures, proc.output()).toBe(0);
    expect(row(summary, `${namespace}_sendRawTransaction`, run.name)?.requests).toBeGreaterThan(0);
    if (run.name === 'kaiaAccountUpdate') {
      // Its teardown put every key back to AccountKeyLegacy (type 1).
      const rpc = new JsonRpcClient(endpoint, { timeoutMs: 10_000 });
      try {
        for (const a of accountsOf(key, run.seed, ACCOUNTS)) {
          const { result } = await rpc.call(`${namespace}_getAccountKey`, [a.address, 'latest']);
          expect((result as { keyType: number }).keyType, a.address).toBe(1);
        }
      } finally {
        await rpc.close();
      }
    }
  });
});

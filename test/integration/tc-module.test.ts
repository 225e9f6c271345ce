/**
 * Your own test cases: the README's example module, taken from the README itself, runs with
 * --tc-module next to a built-in; broken modules are one-line errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { CLI, killStarted, REPO_ROOT, startProcess } from '../support/processes.js';

let chain: DevChain;
// Inside the package, so that `import ... from 'klayworker'` resolves to this package itself.
const dir = join(REPO_ROOT, '.tmp');
let work: string;
beforeAll(async () => {
  chain = await startDevChain({ blockTime: 1 });
  mkdirSync(dir, { recursive: true });
  work = mkdtempSync(join(dir, 'tc-module-'));
});
afterAll(async () => {
  await chain.stop();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => killStarted());

function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /```js\n(\/\/ my-tasks\.mjs[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no my-tasks.mjs example');
  return block[1]!;
}

function cliError(args: string[]): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: 'pipe', timeout: 20_000 });
    return { status: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { status: e.status, stderr: e.stderr };
  }
}

describe('--tc-module', () => {
  it("runs the README's example next to a built-in, with zero failures", async () => {
    const example = readmeExample();
    expect(example.split('\n').length).toBeLessThanOrEqual(24);
    const file = join(work, 'my-tasks.mjs');
    writeFileSync(file, example);
    const json = join(work, 'summary.json');
    const worker = startProcess(process.execPath, [
      CLI,
      '--standalone',
      '-u',
      '4',
      '-r',
      '20',
      '-t',
      '3s',
      '--tc-module',
      file,
      '--tc',
      'chainIdCheck:1,blockNumber:1',
      '--endpoint',
      chain.url,
      '--max-rps',
      '200',
      '--json',
      json,
    ]);
    expect(await worker.exited(30_000), worker.output().slice(-1500)).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as { total: { failures: number }; tasks: { type: string; name: string; requests: number }[] };
    expect(summary.total.failures).toBe(0);
    const mine = summary.tasks.find((t) => t.name === 'chainIdCheck');
    expect(mine?.type).toBe('eth_chainId');
    expect(mine?.requests).toBeGreaterThan(50);
    expect(summary.tasks.find((t) => t.name === 'blockNumber')?.requests).toBeGreaterThan(50);
  }, 60_000);

  it('refuses a module without test cases, one that does not load, and a name that is taken', () => {
    const empty = join(work, 'empty.mjs');
    writeFileSync(empty, 'export const answer = 42;\n');
    const broken = join(work, 'broken.mjs');
    writeFileSync(broken, 'export default {\n');
    const clash = join(work, 'clash.mjs');
    writeFileSync(clash, "export default { name: 'blockNumber', setup: async () => ({ run: async () => {} }) };\n");
    for (const [file, pattern] of [
      [empty, /exports no test case/],
      [broken, /cannot load it/],
      [clash, /"blockNumber" is already taken/],
    ] as const) {
      const { status, stderr } = cliError(['--tc', 'blockNumber', '--tc-module', file]);
      expect(status).toBe(2);
      expect(stderr).toMatch(/^klayworker: --tc-module /);
      expect(stderr).toMatch(pattern);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

/**
 * Your own test cases: the README's example module, taken from the README itself, runs with
 * --tc-module next to a built-in, as TypeScript (loaded through tsx after TypeScript's checker)
 * and as JavaScript; broken modules, type errors included, are one-line errors with file and line.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { loadTestCaseModules } from '../../src/app/test-case-modules.js';
import { standaloneArgv } from '../support/cli-argv.js';
import { CLI, killStarted, REPO_ROOT, startProcess } from '../support/processes.js';
import { readmeExample, readmeExampleAsJs } from '../support/readme-example.js';

const run = promisify(execFile);
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

/** The CLI's exit code and stderr (run side by side: each type check is seconds of CPU). */
async function cliError(args: string[]): Promise<{ status: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { status: e.code, stderr: e.stderr };
  }
}

describe('--tc-module', () => {
  it.each([
    ['my-tasks.ts', readmeExample],
    ['my-tasks.mjs', readmeExampleAsJs],
  ])(
    "runs the README's example as %s next to a built-in, with zero failures",
    async (name, source) => {
      const example = source();
      expect(example.split('\n').length).toBeLessThanOrEqual(24);
      const file = join(work, name);
      writeFileSync(file, example);
      const json = join(work, 'summary.json');
      const worker = startProcess(
        process.execPath,
        standaloneArgv(
          { users: 4, rate: 20, time: '3s', tc: 'chainIdCheck:1,blockNumber:1' },
          '--tc-module',
          file,
          '--endpoint',
          chain.url,
          '--max-rps',
          '200',
          '--json',
          json,
        ),
      );
      expect(await worker.exited(90_000), worker.output().slice(-1500)).toBe(0);
      const summary = JSON.parse(readFileSync(json, 'utf8')) as { total: { failures: number }; tasks: { type: string; name: string; requests: number }[] };
      expect(summary.total.failures).toBe(0);
      const mine = summary.tasks.find((t) => t.name === 'chainIdCheck');
      expect(mine?.type).toBe('eth_chainId');
      expect(mine?.requests).toBeGreaterThan(50);
      expect(summary.tasks.find((t) => t.name === 'blockNumber')?.requests).toBeGreaterThan(50);
    },
    120_000,
  );

  it('a type error or a syntax error in a TypeScript module stops the run in one line with its file and line', async () => {
    const example = readmeExample();
    const typeError = join(work, 'type-error.ts');
    // `expected` is unknown: comparing is fine, calling a method on it is not.
    writeFileSync(typeError, example.replace('async run(user) {', 'async run(user) {\n        expected.toUpperCase();'));
    const syntaxError = join(work, 'syntax-error.mts');
    writeFileSync(syntaxError, example.replace('async run(user) {', 'async run(user) {\n        const = 1;'));
    const wrongType = join(work, 'wrong-export.ts');
    writeFileSync(wrongType, "import { defineTestCase } from 'klayworker';\nexport default defineTestCase({ name: 'x', setup: 42 });\n");
    const line = example.split('\n').findIndex((l) => l.includes('async run(user) {')) + 2;
    const cases = [
      [typeError, new RegExp(`: type error at .*type-error\\.ts:${line}:\\d+: .*expected.* \\(TS\\d+\\)$`)],
      [syntaxError, new RegExp(`: syntax error at .*syntax-error\\.mts:${line}:\\d+: .* \\(TS\\d+\\)`)],
      [wrongType, /: type error at .*wrong-export\.ts:2:\d+: Type 'number' is not assignable to type .* \(TS2322\)$/],
    ] as const;
    const results = await Promise.all(cases.map(([file]) => cliError(['--tc', 'blockNumber', '--tc-module', file])));
    for (const [i, [file, pattern]] of cases.entries()) {
      const { status, stderr } = results[i]!;
      expect(status, stderr).toBe(2);
      expect(stderr.trim()).toMatch(new RegExp(`^klayworker: --tc-module ${file.replaceAll('.', '\\.')}`));
      expect(stderr.trim()).toMatch(pattern);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 120_000);

  it('a .ts module in a CommonJS package loads too, its default and named test cases', async () => {
    const dir = join(work, 'cjs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    const file = join(dir, 'tasks.ts');
    const testCase = (name: string) => `{ name: '${name}', setup: async () => ({ run: async (): Promise<void> => undefined }) }`;
    writeFileSync(file, `export const named = ${testCase('cjsNamed')};\nexport default ${testCase('cjsDefault')};\n`);
    expect((await loadTestCaseModules([file], [])).map((t) => t.name).sort()).toEqual(['cjsDefault', 'cjsNamed']);
  }, 30_000);

  it('without the checker, a syntax error in a TypeScript module still names its file and line (tsx, esbuild)', async () => {
    const file = join(work, 'broken-unchecked.ts');
    writeFileSync(file, "export const a = 1;\nexport default { name: 'x',, setup: 1 };\n");
    await expect(loadTestCaseModules([file], [], { typeCheck: false })).rejects.toThrow(
      /^--tc-module .*broken-unchecked\.ts: syntax error at .*broken-unchecked\.ts:2:\d+: Expected/,
    );
  });

  it('refuses a module without test cases, one that does not load, and a name that is taken', async () => {
    const empty = join(work, 'empty.mjs');
    writeFileSync(empty, 'export const answer = 42;\n');
    const broken = join(work, 'broken.mjs');
    writeFileSync(broken, 'export default {\n');
    const clash = join(work, 'clash.mjs');
    writeFileSync(clash, "export default { name: 'blockNumber', setup: async () => ({ run: async () => {} }) };\n");
    const cases = [
      [empty, /exports no test case/],
      [broken, /cannot load it/],
      [clash, /"blockNumber" is already taken/],
    ] as const;
    const results = await Promise.all(cases.map(([file]) => cliError(['--tc', 'blockNumber', '--tc-module', file])));
    for (const [i, [, pattern]] of cases.entries()) {
      const { status, stderr } = results[i]!;
      expect(status).toBe(2);
      expect(stderr).toMatch(/^klayworker: --tc-module /);
      expect(stderr).toMatch(pattern);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

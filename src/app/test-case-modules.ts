import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { TestCase } from '../api/test-case.js';
import { UsageError } from '../util/errors.js';
import { shown, typeCheck } from './type-check.js';

/** A --tc-module that cannot be used: one line, exit 2. */
export class TestCaseModuleError extends UsageError {
  override name = 'TestCaseModuleError';
}

function isTestCase(value: unknown): value is TestCase {
  return typeof value === 'object' && value !== null && typeof (value as TestCase).name === 'string' && typeof (value as TestCase).setup === 'function';
}

/** TypeScript, which Node 20 cannot load by itself (it has no type stripping). */
const TYPESCRIPT = /\.[mc]?ts$/;

export interface LoadOptions {
  /** Run TypeScript's checker over .ts modules first (a --processes child leaves it to its parent). */
  typeCheck?: boolean;
}

/**
 * Loads the user's own test cases: each module's default export (one test case or an array)
 * and its named exports that are test cases. Names must not clash with each other or with
 * `taken` (the built-ins). A .ts/.mts/.cts module is type-checked (see type-check.ts) and
 * loaded through tsx.
 */
export async function loadTestCaseModules(paths: readonly string[], taken: readonly TestCase[], options: LoadOptions = {}): Promise<TestCase[]> {
  const names = new Set(taken.flatMap((t) => [t.name, ...t.aliases]));
  const loaded: TestCase[] = [];
  for (const path of paths) {
    const module = await loadModule(path, options.typeCheck ?? true);
    const exported: unknown[] = Object.entries(module).flatMap(([key, value]): unknown[] =>
      key === 'default' && Array.isArray(value) ? (value as unknown[]) : [value],
    );
    const found = [...new Set(exported.filter(isTestCase))];
    if (found.length === 0) {
      throw new TestCaseModuleError(`--tc-module ${path}: exports no test case (export default defineTestCase({ name, setup }) from 'klayworker')`);
    }
    for (const testCase of found) {
      for (const name of [testCase.name, ...(testCase.aliases ?? [])]) {
        if (names.has(name)) throw new TestCaseModuleError(`--tc-module ${path}: the name ${JSON.stringify(name)} is already taken by another test case`);
        names.add(name);
      }
      loaded.push({ ...testCase, aliases: testCase.aliases ?? [], description: testCase.description ?? '' });
    }
  }
  return loaded;
}

async function loadModule(path: string, check: boolean): Promise<Record<string, unknown>> {
  const file = resolve(path);
  const typescript = TYPESCRIPT.test(file);
  if (typescript && check) {
    const problem = await typeCheck(file);
    if (problem !== undefined) throw new TestCaseModuleError(`--tc-module ${path}: ${problem}`);
  }
  let module: Record<string, unknown>;
  try {
    // tsx (esbuild) for TypeScript: the one well-kept loader that works on Node 20 without
    // flags; tsImport registers it for this import only, not for the whole process.
    // tsx (and esbuild under it) load only for a TypeScript module: most runs have none.
    const load = typescript ? (await import('tsx/esm/api')).tsImport : (url: string) => import(url);
    module = (await load(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    throw new TestCaseModuleError(`--tc-module ${path}: ${loadProblem(err)}`);
  }
  // A .ts module outside a "type": "module" package is compiled as CommonJS: its exports then
  // arrive as the default export of the namespace, marked __esModule.
  const inner = module.default as { __esModule?: unknown } | undefined;
  return typeof inner === 'object' && inner !== null && inner.__esModule === true ? inner : module;
}

/**
 * One line: esbuild's syntax errors ("Transform failed with 1 error:" then
 * "/path/x.ts:3:22: ERROR: Expected ...") as `syntax error at x.ts:3:22: Expected ...`,
 * anything else as "cannot load it" and its first line.
 */
export function loadProblem(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const syntax = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(text);
  if (syntax !== null) {
    const [, file = '', line, column, message] = syntax;
    return `syntax error at ${shown(file)}:${line}:${column}: ${message}`;
  }
  return `cannot load it: ${text.split('\n')[0]}`;
}

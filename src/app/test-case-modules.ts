import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { TestCase } from '../api/test-case.js';
import { UsageError } from '../util/errors.js';

/** A --tc-module that cannot be used: one line, exit 2. */
export class TestCaseModuleError extends UsageError {
  override name = 'TestCaseModuleError';
}

function isTestCase(value: unknown): value is TestCase {
  return typeof value === 'object' && value !== null && typeof (value as TestCase).name === 'string' && typeof (value as TestCase).setup === 'function';
}

/**
 * Loads the user's own test cases: each module's default export (one test case or an array)
 * and its named exports that are test cases. Names must not clash with each other or with
 * `taken` (the built-ins).
 */
export async function loadTestCaseModules(paths: readonly string[], taken: readonly TestCase[]): Promise<TestCase[]> {
  const names = new Set(taken.flatMap((t) => [t.name, ...t.aliases]));
  const loaded: TestCase[] = [];
  for (const path of paths) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new TestCaseModuleError(`--tc-module ${path}: cannot load it: ${why}`);
    }
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

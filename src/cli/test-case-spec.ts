/** The --tc grammar: `name[:weight],...` over the test cases the run knows (built-in and --tc-module). */
import type { TestCase, WeightedTestCase } from '../api/test-case.js';
import { UsageError } from '../util/errors.js';

/** A test case by name or alias; case-sensitive, like the Go load testers. */
export function findTestCase(name: string, available: readonly TestCase[]): TestCase | undefined {
  return available.find((tc) => tc.name === name || tc.aliases.includes(name));
}

const WEIGHT = /^[1-9][0-9]*$/;
const FORMAT = 'expected name[:weight] entries separated by commas, with an integer weight >= 1 (e.g. a:3,b:1)';

/** Parses `--tc "a:3,b:1"`; throws a one-line error naming `flag` (--tc, --run-tasks, or the variable that gave it). */
export function parseTestCaseSpec(spec: string, available: readonly TestCase[], flag = '--tc'): WeightedTestCase[] {
  const names = available.map((tc) => tc.name).join(', ');
  if (spec.trim() === '') throw new UsageError(`${flag}: no test case given; available: ${names}`);
  const picked: WeightedTestCase[] = [];
  for (const rawEntry of spec.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') throw new UsageError(`${flag}: empty entry in "${spec}"; ${FORMAT}`);
    const parts = entry.split(':').map((p) => p.trim());
    const [name = '', weightText] = parts;
    if (parts.length > 2 || name === '') throw new UsageError(`${flag}: bad entry "${entry}"; ${FORMAT}`);
    const testCase = findTestCase(name, available);
    if (testCase === undefined) throw new UsageError(`${flag}: unknown test case "${name}"; available: ${names}`);
    let weight = 1;
    if (weightText !== undefined) {
      weight = Number(weightText);
      if (!WEIGHT.test(weightText) || !Number.isSafeInteger(weight)) {
        throw new UsageError(`${flag}: bad weight "${weightText}" for ${name}; ${FORMAT}`);
      }
    }
    const twin = picked.find((p) => p.testCase === testCase);
    if (twin !== undefined) {
      const how = name === testCase.name ? '' : ` (as its alias ${name})`;
      throw new UsageError(`${flag}: ${testCase.name} is listed twice${how}`);
    }
    picked.push({ testCase, weight });
  }
  return picked;
}

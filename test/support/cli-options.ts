/**
 * A command line read the way the CLI reads it (Go spellings, commander, the environment,
 * then validation), without starting anything: for tests that compare what two command lines
 * mean.
 */
import { Command } from 'commander';

import type { Options } from '../../src/app/options.js';
import { readCommandLine } from '../../src/cli/command-line.js';
import { commanderOptions } from '../../src/cli/flags.js';
import { parseOptions } from '../../src/cli/options.js';
import { builtInTestCases } from '../../testcases/registry.js';

export interface ReadOptions {
  options: Options;
  /** The Go names' warnings. */
  warnings: string[];
  /** The arguments in klayworker's spelling. */
  args: string[];
}

/** `args` (after the program name) and `env` as `klayworker` would read them; throws its UsageError or commander's error. */
export function readOptions(args: readonly string[], env: NodeJS.ProcessEnv = {}): ReadOptions {
  const cmd = new Command('klayworker').exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  for (const option of commanderOptions('run')) cmd.addOption(option);
  const line = readCommandLine(cmd, 'run', args, env);
  return { options: parseOptions(line.raw, builtInTestCases, env, line.labels), warnings: line.warnings, args: line.args };
}

/** What options mean, comparable with toEqual: test cases by name, the key by its text, amounts as strings; no warnings. */
export function meaning(options: Options): unknown {
  const { richKey, testCases, ...rest } = options;
  return JSON.parse(
    JSON.stringify(
      { ...rest, warnings: undefined, richKey: richKey?.reveal() ?? null, testCases: testCases.map((t) => `${t.testCase.name}:${t.weight}`) },
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    ),
  );
}

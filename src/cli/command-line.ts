/**
 * From the user's arguments and environment to raw flags: Go-style spellings first
 * (go-flags.ts), then commander, then the environment for whatever the command line left out
 * (env-flags.ts). configure.ts and the tests read a command line through this one path.
 */
import type { Command } from 'commander';

import { withEnvFlags } from './env-flags.js';
import type { CommandName, RawFlags } from './flags.js';
import { normaliseGoArgs } from './go-flags.js';
import type { FlagLabels } from './options.js';

export interface CommandLine<C extends CommandName> {
  raw: RawFlags<C>;
  /** The variables that gave flags, for error messages (see parseOptions). */
  labels: FlagLabels;
  /** The arguments in klayworker's own spelling: what a child of --processes is given. */
  args: string[];
  /** One line for each Go tool's name that was accepted, naming klayworker's. */
  warnings: string[];
}

/**
 * Reads `args` (after the program name, or after `refund`) with `cmd`, a commander command
 * holding the flags of `command` with exitOverride set: commander's errors are thrown as they
 * are, for the caller to print; bad Go flags and bad variables throw a UsageError.
 */
export function readCommandLine<C extends CommandName>(cmd: Command, command: C, args: readonly string[], env: NodeJS.ProcessEnv): CommandLine<C> {
  const go = normaliseGoArgs(args);
  cmd.parse(go.args, { from: 'user' });
  const fromCommandLine = (key: string) => cmd.getOptionValueSource(key) === 'cli';
  const { raw, labels } = withEnvFlags(command, cmd.opts<RawFlags<C>>(), fromCommandLine, env);
  // A flag the command line gave by a Go tool's name is named so in errors (the environment's
  // labels are for flags the command line left out).
  return { raw, labels: { ...labels, ...go.labels }, args: go.args, warnings: go.warnings };
}

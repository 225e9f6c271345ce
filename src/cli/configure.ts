/**
 * argv and the environment to validated options, with nothing printed and no process exit: a
 * problem is a KlayworkerError (exit 2 for the user's input), help and version are a result.
 * main.ts turns these into output and an exit code; the bad-input tests call this directly.
 */
import { existsSync, readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { builtInTestCases } from '../../testcases/registry.js';
import type { Options, RefundOptions } from '../app/options.js';
import { PROCESS_INDEX_ENV } from '../app/process-index.js';
import { loadTestCaseModules } from '../app/test-case-modules.js';
import { type KlayworkerError, UsageError } from '../util/errors.js';
import { type CommandLine, readCommandLine } from './command-line.js';
import { ENV_PREFIX } from './env-flags.js';
import { commanderOptions, type CommandName } from './flags.js';
import { parseOptions, parseRefundOptions } from './options.js';

/** klayworker's version, from the package.json above this file (src/cli/ in the tests, dist/src/cli/ when built). */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    const path = new URL(up, import.meta.url);
    if (existsSync(path)) return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** The flags every command has, and one-line errors instead of commander's own output. */
function withFlags(cmd: Command, command: CommandName, testCases?: string): Command {
  for (const option of commanderOptions(command, testCases)) cmd.addOption(option);
  return cmd
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError(false)
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
}

function program(): Command {
  const cmd = new Command('klayworker')
    .description(
      'A Locust-compatible load-test worker for Kaia/Klaytn and other EVM nodes.\n' +
        'klayworker refund --help: return what is left in the test accounts to the rich account.\n' +
        `Every flag may also come from the environment as ${ENV_PREFIX}<FLAG> (--max-rps: ${ENV_PREFIX}MAX_RPS=10; lists comma-separated; ` +
        'switches true/false); a flag given here wins, and LOCUST_MASTER_NODE_HOST/PORT are read last. ' +
        "The Go load testers' spellings work too (-max-rps 10, -tc=x, -vusigned 100): see the README.",
    )
    .version(packageVersion(), '--version');
  return withFlags(cmd, 'run', builtInTestCases.map((t) => t.name).join(', '));
}

function refundProgram(): Command {
  const cmd = new Command('klayworker refund').description(
    'Sweep what is left in the test accounts back to the rich account (same key, --accounts, --node-signed-accounts and --account-seed as the test).\n' +
      `Every flag may also come from the environment as ${ENV_PREFIX}<FLAG> (--endpoint: ${ENV_PREFIX}ENDPOINT); a flag given here wins.`,
  );
  return withFlags(cmd, 'refund');
}

/**
 * Anything shaped like a private key (64 hex digits) in a usage error: commander echoes what it
 * does not know (`unknown option '-keyy=0x…'`, `unexpected argument "0x…"`), and a mistyped key
 * flag must not print the key.
 */
const KEY_SHAPED = /(0x)?[0-9a-fA-F]{64}/g;

/** What a failure before the logger exists (bad flags, a bad --tc-module) prints: one line. */
export function usageLine(err: KlayworkerError): string {
  return `klayworker: ${err.message.replace(KEY_SHAPED, '[redacted]')}`;
}

/** Reads the arguments and the environment with `cmd`; null after help or the version (commander printed them), mistakes throw a UsageError. */
function parseArgs<C extends CommandName>(cmd: Command, command: C, args: string[], env: NodeJS.ProcessEnv, helpHint: string): CommandLine<C> | null {
  const hint = `see ${helpHint}`;
  let line: CommandLine<C>;
  try {
    line = readCommandLine(cmd, command, args, env);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return null;
    throw new UsageError(err.message.split('\n')[0]!.replace(/^error: /, ''), { hint });
  }
  if (cmd.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(cmd.args[0])}`, { hint });
  return line;
}

export interface Configured {
  options: Options | RefundOptions;
  line: CommandLine<CommandName>;
}

/**
 * `args` (after the program name) and `env` to validated options, or null when help or the
 * version was printed. Every problem is a KlayworkerError (exit 2 for the user's input).
 */
export async function configure(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Configured | null> {
  if (args[0] === 'refund') {
    const refund = parseArgs(refundProgram(), 'refund', args.slice(1), env, 'klayworker refund --help');
    return refund && { options: parseRefundOptions(refund.raw, env, refund.labels), line: refund };
  }
  const run = parseArgs(program(), 'run', [...args], env, 'klayworker --help');
  if (run === null) return null;
  // A child of --processes loads what its parent has already type-checked.
  const typeCheck = env[PROCESS_INDEX_ENV] === undefined;
  const moduleTestCases = await loadTestCaseModules(run.raw.tcModule ?? [], builtInTestCases, { typeCheck });
  return { options: parseOptions(run.raw, [...builtInTestCases, ...moduleTestCases], env, run.labels), line: run };
}

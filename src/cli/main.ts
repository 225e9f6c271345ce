#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { builtInTestCases } from '../../testcases/registry.js';
import type { Options, RefundOptions } from '../app/options.js';
import { PROCESS_INDEX_ENV } from '../app/process-index.js';
import { loadTestCaseModules } from '../app/test-case-modules.js';
import { errorMessage, KlayworkerError, UsageError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { type CommandLine, readCommandLine } from './command-line.js';
import { ENV_PREFIX, withoutPerChildEnv } from './env-flags.js';
import { childBaseArgs, commanderOptions, type CommandName } from './flags.js';
import { parseOptions, parseRefundOptions } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

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
    .version(version, '--version');
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

/** A failure before the logger exists (bad flags, a bad --tc-module): one line, its exit code. */
function fail(err: KlayworkerError): never {
  process.stderr.write(`klayworker: ${err.message.replace(KEY_SHAPED, '[redacted]')}\n`);
  process.exit(err.exitCode);
}

/** Reads the arguments and the environment with `cmd`; help and version exit 0, mistakes throw a UsageError. */
function parseArgs<C extends CommandName>(cmd: Command, command: C, args: string[], helpHint: string): CommandLine<C> {
  const hint = `see ${helpHint}`;
  let line: CommandLine<C>;
  try {
    line = readCommandLine(cmd, command, args, process.env);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    throw new UsageError(err.message.split('\n')[0]!.replace(/^error: /, ''), { hint });
  }
  if (cmd.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(cmd.args[0])}`, { hint });
  return line;
}

/** argv and the environment to validated options: every problem is a KlayworkerError (exit 2 for the user's input). */
async function configure(argv: string[]): Promise<{ options: Options | RefundOptions; line: CommandLine<CommandName> }> {
  if (argv[2] === 'refund') {
    const refund = parseArgs(refundProgram(), 'refund', argv.slice(3), 'klayworker refund --help');
    return { options: parseRefundOptions(refund.raw, process.env, refund.labels), line: refund };
  }
  const run = parseArgs(program(), 'run', argv.slice(2), 'klayworker --help');
  // A child of --processes loads what its parent has already type-checked.
  const typeCheck = process.env[PROCESS_INDEX_ENV] === undefined;
  const moduleTestCases = await loadTestCaseModules(run.raw.tcModule ?? [], builtInTestCases, { typeCheck });
  return { options: parseOptions(run.raw, [...builtInTestCases, ...moduleTestCases], process.env, run.labels), line: run };
}

async function main(argv: string[]): Promise<void> {
  const childIndex = process.env[PROCESS_INDEX_ENV];
  let configured: Awaited<ReturnType<typeof configure>>;
  try {
    configured = await configure(argv);
  } catch (err) {
    if (err instanceof KlayworkerError) fail(err);
    throw err;
  }
  const { options, line } = configured;
  // Loaded once the input is known good: a usage error answers without loading the worker
  // (ZeroMQ, undici, the metrics server, the dev chain), half of the CLI's start-up time.
  const { runRefund, runWorker } = await import('../app/run-worker.js');
  const { exitWithParent, runProcesses } = await import('../app/processes.js');
  const baseLog = createLogger(options.logLevel, options.logFormat);
  // A worker process of --processes tags its lines with its index, and dies with its parent.
  const log = childIndex === undefined ? baseLog : baseLog.child({ process: Number(childIndex) });
  if (childIndex !== undefined) exitWithParent(log);
  else for (const warning of [...line.warnings, ...options.warnings]) log.warn(warning);
  try {
    if (!('standalone' in options)) process.exitCode = await runRefund(options, log);
    else if (options.processes > 1)
      process.exitCode = await runProcesses(options, { argv: childBaseArgs(line.args), env: withoutPerChildEnv(process.env) }, log);
    else process.exitCode = await runWorker(options, log);
  } catch (err) {
    // Expected failures (node unreachable, port taken...) are one line; a stack only at debug.
    log.debug({ err }, 'worker failed');
    log.error(errorMessage(err));
    process.exitCode = err instanceof KlayworkerError ? err.exitCode : 1;
  }
}

await main(process.argv);

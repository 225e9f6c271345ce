#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { builtInTestCases } from '../../testcases/registry.js';
import type { Options, RefundOptions } from '../app/options.js';
import { loadTestCaseModules } from '../app/test-case-modules.js';
import { errorMessage, KlayworkerError, UsageError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { commanderOptions, type CommandName, withoutPerChildFlags } from './flags.js';
import { parseOptions, parseRefundOptions, type RawOptions, type RawRefundOptions } from './options.js';

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
      'A Locust-compatible load-test worker for Kaia/Klaytn and other EVM nodes.\nklayworker refund --help: return what is left in the test accounts to the rich account.',
    )
    .version(version, '--version');
  return withFlags(cmd, 'run', builtInTestCases.map((t) => t.name).join(', '));
}

const REFUND_DESCRIPTION = 'Sweep what is left in the test accounts back to the rich account (same key, --accounts and --account-seed as the test).';

/** A failure before the logger exists (bad flags, a bad --tc-module): one line, its exit code. */
function fail(err: KlayworkerError): never {
  process.stderr.write(`klayworker: ${err.message}\n`);
  process.exit(err.exitCode);
}

/** Parses argv with `cmd`; help and version exit 0, mistakes throw a UsageError. */
function parseArgs(cmd: Command, argv: string[], from: 'node' | 'user', helpHint: string): void {
  const hint = `see ${helpHint}`;
  try {
    cmd.parse(argv, { from });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    throw new UsageError(err.message.split('\n')[0]!.replace(/^error: /, ''), { hint });
  }
  if (cmd.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(cmd.args[0])}`, { hint });
}

/** argv to validated options: every problem is a KlayworkerError (exit 2 for the user's input). */
async function configure(argv: string[]): Promise<Options | RefundOptions> {
  if (argv[2] === 'refund') {
    const cmd = withFlags(new Command('klayworker refund'), 'refund').description(REFUND_DESCRIPTION);
    parseArgs(cmd, argv.slice(3), 'user', 'klayworker refund --help');
    return parseRefundOptions(cmd.opts<RawRefundOptions>());
  }
  const cmd = program();
  parseArgs(cmd, argv, 'node', 'klayworker --help');
  const raw = cmd.opts<RawOptions>();
  const moduleTestCases = await loadTestCaseModules(raw.tcModule ?? [], builtInTestCases);
  return parseOptions(raw, [...builtInTestCases, ...moduleTestCases]);
}

async function main(argv: string[]): Promise<void> {
  let options: Options | RefundOptions;
  try {
    options = await configure(argv);
  } catch (err) {
    if (err instanceof KlayworkerError) fail(err);
    throw err;
  }
  // Loaded once the input is known good: a usage error answers without loading the worker
  // (ZeroMQ, undici, the metrics server), half of the CLI's start-up time.
  const { exitWithParent, PROCESS_INDEX_ENV, runProcesses } = await import('../app/processes.js');
  const { runRefund, runWorker } = await import('../app/run-worker.js');
  const childIndex = process.env[PROCESS_INDEX_ENV];
  const baseLog = createLogger(options.logLevel, options.logFormat);
  // A worker process of --processes tags its lines with its index, and dies with its parent.
  const log = childIndex === undefined ? baseLog : baseLog.child({ process: Number(childIndex) });
  if (childIndex !== undefined) exitWithParent(log);
  else for (const warning of options.warnings) log.warn(warning);
  try {
    if (!('standalone' in options)) process.exitCode = await runRefund(options, log);
    else if (options.processes > 1) process.exitCode = await runProcesses(options, withoutPerChildFlags(argv.slice(2)), log);
    else process.exitCode = await runWorker(options, log);
  } catch (err) {
    // Expected failures (node unreachable, port taken...) are one line; a stack only at debug.
    log.debug({ err }, 'worker failed');
    log.error(errorMessage(err));
    process.exitCode = err instanceof KlayworkerError ? err.exitCode : 1;
  }
}

await main(process.argv);

#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { builtInTestCases } from '../../testcases/registry.js';
import type { TestCase } from '../api/test-case.js';
import { exitWithParent, PROCESS_INDEX_ENV, runProcesses } from '../app/processes.js';
import { runRefund, runWorker } from '../app/run-worker.js';
import { loadTestCaseModules, TestCaseModuleError } from '../app/test-case-modules.js';
import { errorMessage } from '../util/error-message.js';
import { createLogger } from '../util/log.js';
import { commanderOptions, type CommandName, withoutPerChildFlags } from './flags.js';
import { parseOptions, parseRefundOptions, type RawOptions, type RawRefundOptions, UsageError } from './options.js';

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

function refundProgram(): Command {
  const cmd = new Command('klayworker refund').description(
    'Sweep what is left in the test accounts back to the rich account (same key, --accounts and --account-seed as the test).',
  );
  return withFlags(cmd, 'refund');
}

function fail(message: string): never {
  process.stderr.write(`klayworker: ${message.replace(/^error: /, '')}\n`);
  process.exit(2);
}

/** Parses argv with `cmd`; help and version exit 0, mistakes exit 2 with one line. */
function parseArgs(cmd: Command, argv: string[], from: 'node' | 'user', helpHint: string): void {
  try {
    cmd.parse(argv, { from });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      fail(`${err.message.split('\n')[0]} (see ${helpHint})`);
    }
    throw err;
  }
  if (cmd.args.length > 0) fail(`unexpected argument ${JSON.stringify(cmd.args[0])} (see ${helpHint})`);
}

function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    throw err;
  }
}

async function loadModules(paths: readonly string[]): Promise<TestCase[]> {
  try {
    return await loadTestCaseModules(paths, builtInTestCases);
  } catch (err) {
    if (err instanceof TestCaseModuleError) fail(err.message);
    throw err;
  }
}

async function main(argv: string[]): Promise<void> {
  const refund = argv[2] === 'refund';
  const cmd = refund ? refundProgram() : program();
  parseArgs(cmd, refund ? argv.slice(3) : argv, refund ? 'user' : 'node', refund ? 'klayworker refund --help' : 'klayworker --help');
  const moduleTestCases = refund ? [] : await loadModules(cmd.opts<RawOptions>().tcModule ?? []);
  const options = refund
    ? usage(() => parseRefundOptions(cmd.opts<RawRefundOptions>()))
    : usage(() => parseOptions(cmd.opts<RawOptions>(), [...builtInTestCases, ...moduleTestCases]));
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
    process.exitCode = 1;
  }
}

await main(process.argv);

#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { Command, CommanderError, Option } from 'commander';

import { builtInTestCases } from '../../testcases/registry.js';
import type { TestCase } from '../api/test-case.js';
import { exitWithParent, PROCESS_INDEX_ENV, runProcesses } from '../app/processes.js';
import { runRefund, runWorker } from '../app/run-worker.js';
import { loadTestCaseModules, TestCaseModuleError } from '../app/test-case-modules.js';
import { DEFAULT_ACCOUNT_SEED } from '../chain/accounts.js';
import { KEY_ENV } from '../chain/keys.js';
import { errorMessage } from '../util/error-message.js';
import { createLogger } from '../util/log.js';
import { DEFAULT_MAX_PENDING, parseOptions, parseRefundOptions, type RawOptions, type RawRefundOptions, UsageError } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const CONNECT_TIMEOUT_HELP = 'give up when the node (default 30s) or the master (default: wait forever) does not answer within this time';

/** The key and account flags, shared by a test run and `refund`. */
function accountOptions(cmd: Command, keyDefault = ''): Command {
  return cmd
    .option('--key-file <path>', `file holding the rich (funding) private key; or set ${KEY_ENV}${keyDefault}`)
    .option('--key <hex>', `the rich private key itself (visible to other users in ps; prefer --key-file or ${KEY_ENV})`)
    .option('--accounts <n>', 'number of test accounts, derived from the rich key and --account-seed', '100')
    .option('--account-seed <text>', 'seed of the test accounts: the same seed finds the same accounts again', DEFAULT_ACCOUNT_SEED);
}

/** The flags every command has, and one-line errors instead of commander's own output. */
function commonOptions(cmd: Command): Command {
  return cmd
    .option('--rpc-timeout <time>', 'timeout of one JSON-RPC request', '10s')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent', 'info')
    .option('--log-format <format>', 'text or json (log lines go to stderr)', 'text')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError(false)
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
}

function program(): Command {
  const names = builtInTestCases.map((t) => t.name).join(', ');
  const cmd = new Command('klayworker')
    .description(
      'A Locust-compatible load-test worker for Kaia/Klaytn and other EVM nodes.\nklayworker refund --help: return what is left in the test accounts to the rich account.',
    )
    .version(version, '--version')
    .option('--tc <list>', `test cases to run, comma separated, with optional weights (a:3,b:1); available: ${names}`)
    .option('--endpoint <url>', 'JSON-RPC endpoint of the node under test (default: start an embedded anvil dev chain)')
    .option(
      '--tc-module <path>',
      'load your own test cases from this ES module (repeatable); see "Your own test cases" in the README',
      (path: string, paths: string[]) => [...paths, path],
      [] as string[],
    );
  accountOptions(cmd, " (default with no --endpoint: the dev chain's funded account)")
    .option('--charge <coins>', 'top test accounts holding less than half of this up to it (KAIA/ETH, decimals allowed)', '1')
    .addOption(new Option('--tx-type <type>', 'transaction type: legacy, 1559, or auto (1559 where the node has a base fee)').default('auto'))
    .addOption(new Option('--rpc-namespace <ns>', 'namespace of the measured send and read calls: eth, kaia or klay (setup uses eth)').default('eth'))
    .option(
      '--receipt-timeout <time>',
      'longest wait for a receipt (and for funding to make progress); a transaction neither mined nor known to the node after it is dropped',
      '60s',
    )
    .option(
      '--max-pending <n>',
      'transactions per test account sent but not yet mined before its users wait; 0 = no limit (open loop)',
      String(DEFAULT_MAX_PENDING),
    )
    .option('--drain-timeout <time>', 'after the users stop, wait this long for sent transactions to be mined before the last report', '30s')
    .addOption(new Option('--memo-size <size>', 'memo of the Kaia ValueTransferMemo test cases: small (200 bytes) or large (2,000 bytes)').default('small'))
    .option('--max-rps <n>', 'requests per second cap for this process, 0 = unlimited', '0')
    .addOption(new Option('--rps-mode <mode>', 'bucket: the whole budget at the start of each second; smooth: spread evenly').default('bucket'))
    .option('--request-increase-rate <rate>', 'ramp the rps cap up by N every period, e.g. 100/1s (like Boomer)')
    .option('--master-host <host>', 'Locust master host', '127.0.0.1')
    .option('--master-port <port>', 'Locust master port', '5557')
    .option('--connect-timeout <time>', CONNECT_TIMEOUT_HELP)
    .option('--locust-legacy-0.9', 'the master is Locust 0.9 (PUSH/PULL on --master-port and the port after it)')
    .option('--standalone', 'run without a master: ramp, run and report locally')
    .option('-u, --users <n>', 'standalone: number of users (default 1)')
    .option('-r, --spawn-rate <n>', 'standalone: users started per second (default 1)')
    .option('-t, --run-time <time>', 'standalone: stop after this time, e.g. 30s, 5m, 1h30m (default: until Ctrl-C)')
    .option('--csv <prefix>', 'write Locust-format PREFIX_stats.csv and PREFIX_failures.csv at the end')
    .option('--json <file>', 'write a JSON summary of the run at the end')
    .option('--stop-timeout <time>', 'how long in-flight iterations may finish at the end of a standalone run', '10s')
    .option('--processes <n>', 'with a master: fork N worker processes (one per core), each with its own accounts and share of --max-rps', '1')
    .option(
      '--metrics-port <[host:]port>',
      'serve Prometheus metrics on GET /metrics (all interfaces unless a host is given; port 0: any free one; with --processes, process i uses PORT+i)',
    );
  return commonOptions(cmd);
}

function refundProgram(): Command {
  const cmd = new Command('klayworker refund')
    .description('Sweep what is left in the test accounts back to the rich account (same key, --accounts and --account-seed as the test).')
    .option('--endpoint <url>', 'JSON-RPC endpoint of the chain (required)');
  accountOptions(cmd)
    .option('--connect-timeout <time>', 'give up when the node does not answer within this time (default 30s)')
    .option('--receipt-timeout <time>', 'longest wait for pending transactions and for the sweeps to be mined', '60s');
  return commonOptions(cmd);
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
    else if (options.processes > 1) process.exitCode = await runProcesses(options, argv.slice(2), log);
    else process.exitCode = await runWorker(options, log);
  } catch (err) {
    // Expected failures (node unreachable, port taken...) are one line; a stack only at debug.
    log.debug({ err }, 'worker failed');
    log.error(errorMessage(err));
    process.exitCode = 1;
  }
}

await main(process.argv);

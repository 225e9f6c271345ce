#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { createLogger } from './log.js';
import { parseOptions, UsageError, type RawOptions } from './options.js';
import { runWorker } from './worker.js';
import { builtInTestCases } from '../testcases/registry.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function program(): Command {
  const names = builtInTestCases.map((t) => t.name).join(', ');
  return new Command('klayworker')
    .description('A Locust-compatible load-test worker for Kaia/Klaytn and other EVM nodes.')
    .version(version, '--version')
    .option('--tc <list>', `test cases to run, comma separated, with optional weights (a:3,b:1); available: ${names}`)
    .option('--endpoint <url>', 'JSON-RPC endpoint of the node under test (default: start an embedded anvil dev chain)')
    .option('--max-rps <n>', 'requests per second cap for this process, 0 = unlimited', '0')
    .addOption(new Option('--rps-mode <mode>', 'bucket: the whole budget at the start of each second; smooth: spread evenly').default('bucket'))
    .option('--request-increase-rate <rate>', 'ramp the rps cap up by N every period, e.g. 100/1s (like Boomer)')
    .option('--master-host <host>', 'Locust master host', '127.0.0.1')
    .option('--master-port <port>', 'Locust master port', '5557')
    .option('--connect-timeout <time>', 'give up when no master answers within this time (default: wait forever)')
    .option('--standalone', 'run without a master: ramp, run and report locally')
    .option('-u, --users <n>', 'standalone: number of users (default 1)')
    .option('-r, --spawn-rate <n>', 'standalone: users started per second (default 1)')
    .option('-t, --run-time <time>', 'standalone: stop after this time, e.g. 30s, 5m, 1h30m (default: until Ctrl-C)')
    .option('--csv <prefix>', 'write Locust-format PREFIX_stats.csv and PREFIX_failures.csv at the end')
    .option('--json <file>', 'write a JSON summary of the run at the end')
    .option('--rpc-timeout <time>', 'timeout of one JSON-RPC request', '10s')
    .option('--stop-timeout <time>', 'how long in-flight iterations may finish at the end of a standalone run', '10s')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent', 'info')
    .option('--log-format <format>', 'text or json (log lines go to stderr)', 'text')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
}

function fail(message: string): never {
  process.stderr.write(`klayworker: ${message.replace(/^error: /, '')}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const cmd = program();
  try {
    cmd.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      fail(`${err.message.split('\n')[0]} (see klayworker --help)`);
    }
    throw err;
  }
  if (cmd.args.length > 0) fail(`unexpected argument ${JSON.stringify(cmd.args[0])} (see klayworker --help)`);

  let options;
  try {
    options = parseOptions(cmd.opts<RawOptions>());
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    throw err;
  }
  const log = createLogger(options.logLevel, options.logFormat);
  try {
    process.exitCode = await runWorker(options, log);
  } catch (err) {
    // Expected failures (node unreachable, port taken...) are one line; a stack only at debug.
    log.debug({ err }, 'worker failed');
    log.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}

await main(process.argv);

#!/usr/bin/env node
/**
 * The process around configure.ts: its problems become one line on stderr and an exit code,
 * good options start the worker (or the refund, or the --processes parent).
 */
import { PROCESS_INDEX_ENV } from '../app/process-index.js';
import { errorMessage, KlayworkerError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { configure, type Configured, usageLine } from './configure.js';
import { withoutPerChildEnv } from './env-flags.js';
import { childBaseArgs } from './flags.js';

async function main(argv: string[]): Promise<void> {
  const childIndex = process.env[PROCESS_INDEX_ENV];
  let configured: Configured | null;
  try {
    configured = await configure(argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof KlayworkerError)) throw err;
    process.stderr.write(`${usageLine(err)}\n`);
    process.exit(err.exitCode);
  }
  if (configured === null) process.exit(0);
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

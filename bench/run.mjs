#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark in turn, prints one table, and appends it to
 * bench/RESULTS.md with the date, the machine and the exact commands.
 *
 *   node bench/run.mjs [--quick] [--only name[,name...]] [--record | --no-record]
 *
 * --quick   shorter windows and fewer rates (under 2 minutes); not recorded unless --record.
 * --only    run some benchmarks: throughput, rate-accuracy, users, signing, ...
 *
 * Exit code 0 when every benchmark ran (missed targets are in the table), 1 when one could not
 * run, 2 on bad arguments. A benchmark is an object { name, title, run(ctx) => rows }; adding
 * one is one more file and one more entry in BENCHMARKS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { intoNode } from './into-node.mjs';
import { describeMachine } from './lib/machine.mjs';
import { BenchError, CLI, CORES, ProcessGroup } from './lib/processes.mjs';
import { notRunRow, renderTable, tally } from './lib/report.mjs';
import { appendResults, RESULTS } from './lib/results.mjs';
import { processes } from './processes.mjs';
import { rateAccuracy } from './rate-accuracy.mjs';
import { signing } from './signing.mjs';
import { throughput } from './throughput.mjs';
import { tracking } from './tracking.mjs';
import { users } from './users.mjs';

/**
 * @typedef {object} BenchContext
 * @property {boolean} quick
 * @property {ProcessGroup} group   start processes through it: they are stopped afterwards
 * @property {string} tmpDir        a private directory, removed at the end
 * @property {(line: string) => void} log  progress, on stderr
 */

const BENCHMARKS = [throughput, rateAccuracy, users, signing, intoNode, tracking, processes];

function parseArgs(argv) {
  const args = { quick: false, only: null, record: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--record') args.record = true;
    else if (a === '--no-record') args.record = false;
    else if (a === '--only' && argv[i + 1]) args.only = argv[++i].split(',');
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  const names = BENCHMARKS.map((b) => b.name);
  for (const name of args.only ?? []) if (!names.includes(name)) usage(`unknown benchmark ${JSON.stringify(name)}; available: ${names.join(', ')}`);
  args.record ??= !args.quick;
  return args;
}

function usage(message) {
  process.stderr.write(`bench: ${message}\nusage: node bench/run.mjs [--quick] [--only ${BENCHMARKS.map((b) => b.name).join(',')}] [--record|--no-record]\n`);
  process.exit(2);
}

/** Keeps this process off the core under test (children choose their own core). */
function pinSelf() {
  spawnSync('taskset', ['-a', '-p', '-c', String(CORES.target), String(process.pid)], { stdio: 'ignore' });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) {
    process.stderr.write(`bench: ${CLI} is missing; build first (npm run build)\n`);
    process.exit(1);
  }
  pinSelf();
  const tmpDir = mkdtempSync(join(tmpdir(), 'klayworker-bench-'));
  const log = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  let current = null;
  const onSignal = (signal) => {
    current?.killAllNow();
    rmSync(tmpDir, { recursive: true, force: true });
    process.stderr.write(`bench: interrupted by ${signal}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const machine = describeMachine();
  const startedAt = new Date();
  const rows = [];
  const commands = [];
  let couldNotRun = false;
  for (const bench of BENCHMARKS.filter((b) => args.only === null || args.only.includes(b.name))) {
    const group = new ProcessGroup();
    current = group;
    const begun = performance.now();
    try {
      rows.push(...(await bench.run({ quick: args.quick, group, tmpDir, log })));
    } catch (err) {
      couldNotRun = true;
      if (!(err instanceof BenchError)) log(`${bench.name}: ${err instanceof Error ? err.stack : String(err)}`);
      rows.push(notRunRow(bench.name, err));
    } finally {
      await group.stopAll();
      commands.push(`# ${bench.title}`, ...group.commands);
      log(`${bench.name}: done in ${Math.round((performance.now() - begun) / 1000)} s`);
    }
  }
  current = null;
  rmSync(tmpDir, { recursive: true, force: true });

  const elapsedS = Math.round((Date.now() - startedAt.getTime()) / 1000);
  const table = renderTable(rows);
  const summary = `${tally(rows)}; ${args.quick ? 'quick' : 'full'} run took ${Math.floor(elapsedS / 60)} min ${elapsedS % 60} s.`;
  process.stdout.write(`\n${table}\n\n${summary}\n`);
  if (args.record) {
    appendResults({
      title: `${args.quick ? 'quick' : 'full'} run (\`node bench/run.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`)`,
      startedAt,
      machine,
      table,
      summary,
      commands,
    });
    log(`appended to ${RESULTS}`);
  }
  process.exitCode = couldNotRun ? 1 : 0;
}

await main();

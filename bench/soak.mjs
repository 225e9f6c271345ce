#!/usr/bin/env node
/**
 * `npm run soak`: klayworker at full rate against anvil for 10 minutes (valueTransfer and
 * blockNumber, 3:1, no rps cap), watching its memory and open handles. Target: after warm-up,
 * resident memory grows by at most 10%. Appends its table to bench/RESULTS.md.
 *
 *   node bench/soak.mjs [--minutes 10] [--no-record]
 *
 * Sampled every 5 s from /proc: VmRSS, and open file descriptors (sockets, pipes, files: the
 * handles that leak). Warm-up is the first minute (a fifth of a shorter run). Growth compares
 * the median RSS of the stretch right after warm-up with the median of the last stretch (each a
 * tenth of the run, at least 30 s), so one garbage-collection sawtooth does not decide it.
 * anvil runs on the other core with `--block-time 1`, a 300M block gas limit (blocks keep up
 * with the pool) and `--prune-history` (its own memory must not be what slows the test down).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HDNodeWallet } from 'ethers';

import { anvilArgs, anvilBinary, DEV_MNEMONIC } from './lib/anvil.mjs';
import { keyedWorkerArgs } from './lib/keyed-worker.mjs';
import { describeMachine } from './lib/machine.mjs';
import { rssBytes } from './lib/proc-stats.mjs';
import { BenchError, CLI, CORES, eventually, freePort, ProcessGroup, sleep } from './lib/processes.mjs';
import { fmt, renderTable, row, tally } from './lib/report.mjs';
import { appendResults, RESULTS } from './lib/results.mjs';

const SAMPLE_MS = 5_000;
const MAX_GROWTH = 0.1;

function parseArgs(argv) {
  const args = { minutes: 10, record: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--minutes' && argv[i + 1] !== undefined) args.minutes = Number(argv[++i]);
    else if (argv[i] === '--no-record') args.record = false;
    else usage(`unknown argument ${JSON.stringify(argv[i])}`);
  }
  if (!(args.minutes >= 1)) usage('--minutes: expected a number of minutes, at least 1');
  return args;
}

function usage(message) {
  process.stderr.write(`soak: ${message}\nusage: node bench/soak.mjs [--minutes N] [--no-record]\n`);
  process.exit(2);
}

function openFds(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) usage(`${CLI} is missing; build first (npm run build)`);
  spawnSync('taskset', ['-a', '-p', '-c', String(CORES.target), String(process.pid)], { stdio: 'ignore' });
  const log = (line) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const tmpDir = mkdtempSync(join(tmpdir(), 'klayworker-soak-'));
  const group = new ProcessGroup();
  const onSignal = (signal) => {
    group.killAllNow();
    rmSync(tmpDir, { recursive: true, force: true });
    process.stderr.write(`soak: interrupted by ${signal}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const machine = describeMachine();
  const startedAt = new Date();
  const runS = Math.round(args.minutes * 60);
  const warmupS = Math.min(60, runS / 5);
  const stretchS = Math.max(30, runS / 10);
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const anvil = group.start(CORES.target, await anvilBinary(), anvilArgs(port, { pruneHistory: true }));
    await eventually(
      async () => {
        if (!anvil.running) throw new BenchError(`anvil exited: ${anvil.tail()}`);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
        });
        return res.ok ? true : undefined;
      },
      20_000,
      `anvil on ${url}`,
    );
    const keyFile = join(tmpDir, 'soak.key');
    writeFileSync(keyFile, HDNodeWallet.fromPhrase(DEV_MNEMONIC).privateKey, { mode: 0o600 });
    const json = join(tmpDir, 'soak.json');
    const worker = group.start(
      CORES.load,
      process.execPath,
      keyedWorkerArgs(CLI, { users: 200, seconds: runS, tc: 'valueTransfer:3,blockNumber:1', url, keyFile, accounts: 400, json }),
    );
    await worker.waitForOutput(/"msg":"standalone test started"/, 180_000);
    const t0 = performance.now();
    log(`running for ${args.minutes} min; warm-up ${fmt(warmupS)} s`);
    const samples = [];
    while (worker.running) {
      try {
        samples.push({ s: (performance.now() - t0) / 1000, rss: rssBytes(worker.pid), fds: openFds(worker.pid) });
      } catch {
        break; // exited between the check and the read
      }
      const last = samples.at(-1);
      if (samples.length % 12 === 0) log(`${fmt(last.s)} s: RSS ${fmt(last.rss / 2 ** 20, 1)} MB, ${last.fds} open fds`);
      await sleep(SAMPLE_MS);
    }
    const code = await worker.exited(120_000);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    if (code !== 0 && summary.total.failures === 0) throw new BenchError(`klayworker exited with ${code}: ${worker.tail(500)}`);

    const endS = samples.at(-1)?.s ?? 0;
    const within = (from, to) => samples.filter((x) => x.s >= from && x.s < to);
    const early = within(warmupS, warmupS + stretchS);
    const late = within(endS - stretchS, endS + 1);
    if (early.length === 0 || late.length === 0) throw new BenchError('too few samples to compare (run longer)');
    const base = median(early.map((x) => x.rss));
    const final = median(late.map((x) => x.rss));
    const growth = final / base - 1;
    const perMinute = [];
    for (let m = 1; m * 60 <= endS + SAMPLE_MS / 1000; m++) {
      const at = samples.reduce((best, x) => (Math.abs(x.s - m * 60) < Math.abs(best.s - m * 60) ? x : best));
      perMinute.push(`${m} min ${fmt(at.rss / 2 ** 20, 1)} MB/${at.fds} fds`);
    }
    const fds = { early: median(early.map((x) => x.fds)), late: median(late.map((x) => x.fds)), max: Math.max(...samples.map((x) => x.fds)) };
    const rows = [
      row({
        bench: 'soak',
        measure: 'load',
        result: `${fmt(summary.total.requests)} requests in ${fmt(summary.duration_s)} s (${fmt(summary.total.rps)}/s; ${fmt(summary.total.failures)} failed), valueTransfer:3 + blockNumber:1, 200 users, no cap`,
      }),
      row({ bench: 'soak', measure: 'RSS and open fds by minute', result: perMinute.join('; ') }),
      row({
        bench: 'soak',
        measure: 'RSS growth after warm-up',
        result: `${fmt(100 * growth, 1)}% (median ${fmt(base / 2 ** 20, 1)} MB over ${fmt(warmupS)}–${fmt(warmupS + stretchS)} s, ${fmt(final / 2 ** 20, 1)} MB over the last ${fmt(stretchS)} s)`,
        target: `≤ ${fmt(100 * MAX_GROWTH)}%`,
        met: growth <= MAX_GROWTH,
      }),
      row({
        bench: 'soak',
        measure: 'open file descriptors (sockets, pipes, files)',
        result: `${fds.early} after warm-up, ${fds.late} at the end, at most ${fds.max}`,
      }),
    ];
    const table = renderTable(rows);
    const outcome = `${tally(rows)}; soak of ${args.minutes} min.`;
    process.stdout.write(`\n${table}\n\n${outcome}\n`);
    if (args.record) {
      appendResults({
        title: `soak (\`node bench/soak.mjs${args.minutes !== 10 ? ` --minutes ${args.minutes}` : ''}\`)`,
        startedAt,
        machine,
        table,
        summary: outcome,
        commands: group.commands,
      });
      log(`appended to ${RESULTS}`);
    }
    process.exitCode = 0;
  } catch (err) {
    process.stderr.write(`soak: could not run: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await group.stopAll();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

await main();

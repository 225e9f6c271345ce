/**
 * Bad input, flag by flag: one line on stderr that names the flag, exit code 2, no stack
 * trace, nothing started, and never the key that was given.
 *
 * Every case goes through configure() (what the CLI runs first, and all it runs for bad input)
 * in this process: that each is a one-line exit-2 error without the key. A few of them, one of
 * each kind, go through the built CLI as well: that such an error is what the process prints
 * and how it exits. (Each CLI start-up costs a third of a CPU-second: the file spent 50.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { configure, usageLine } from '../../src/cli/configure.js';
import { KlayworkerError } from '../../src/util/errors.js';
import { CLI } from '../support/processes.js';

const BAD_KEY = '0x12345678deadbeefcafe';
const GOOD_KEY = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
const dir = mkdtempSync(join(tmpdir(), 'klayworker-cli-errors-'));
const badKeyFile = join(dir, 'bad.key');
writeFileSync(badKeyFile, `${BAD_KEY}\n`, { mode: 0o600 });

/** The environment every case runs with: this one, without a key, plus the case's own. */
function envOf(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, KLAYWORKER_KEY: '', ...env };
}

/** Runs the CLI without blocking the test worker, so the cases below run side by side. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env: envOf(env) }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ status, stderr, stdout });
    });
  });
}

const BASE = ['--tc', 'blockNumber'];
const ALONE = [...BASE, '--standalone'];

/** [args, flag the message must name, extra environment] */
const CASES: [string[], RegExp, NodeJS.ProcessEnv?][] = [
  [[], /--tc/],
  [['--tc', ''], /--tc/],
  [['--tc', 'nope'], /--tc.*nope.*available:.*blockNumber/],
  [['--tc', 'blockNumber:0'], /--tc/],
  [['--tc', 'blockNumber:x'], /--tc/],
  [['--tc', 'blockNumber,,gasPrice'], /--tc/],
  [['--tc', 'blockNumber,blockNumber'], /--tc/],
  [['--tc', 'blockNumber,readBlockNumber'], /--tc/],
  [[...BASE, '--endpoint', 'node:8551'], /--endpoint/],
  [[...BASE, '--endpoint', 'ftp://node:8551'], /--endpoint/],
  [[...BASE, '--endpoint', ''], /--endpoint/],
  [[...BASE, '--endpoint', 'http://node:8551', '--ws-endpoint', 'http://node:8546'], /--ws-endpoint: expected a ws:\/\/ or wss:\/\/ URL/],
  [[...BASE, '--ws-endpoint', 'ws://node:8546'], /--ws-endpoint needs --endpoint/],
  [[...BASE, '--key-file', join(dir, 'missing.key')], /--key-file/],
  [[...BASE, '--key-file', badKeyFile], /--key-file/],
  [[...BASE, '--key', BAD_KEY], /--key/],
  [[...BASE, '--key', 'zz'], /--key/],
  [BASE, /KLAYWORKER_KEY/, { KLAYWORKER_KEY: BAD_KEY }],
  [[...BASE, '--accounts', '0'], /--accounts/],
  [[...BASE, '--accounts', '-1'], /--accounts/],
  [[...BASE, '--accounts', 'many'], /--accounts/],
  [[...BASE, '--account-seed', ''], /--account-seed/],
  [[...BASE, '--charge', '-1'], /--charge/],
  [[...BASE, '--charge', 'lots'], /--charge/],
  [[...BASE, '--tx-type', 'eip1559'], /--tx-type/],
  [[...BASE, '--rpc-namespace', 'web3'], /--rpc-namespace/],
  [[...BASE, '--memo-size', 'huge'], /--memo-size/],
  [['--tc', 'kaiaAccountUpdate,kaiaValueTransfer'], /--tc.*kaiaAccountUpdate must run alone/],
  [[...BASE, '--receipt-timeout', '5 minutes'], /--receipt-timeout/],
  [[...BASE, '--max-rps', '-5'], /--max-rps/],
  [[...BASE, '--max-rps', 'ten'], /--max-rps/],
  [[...BASE, '--max-rps', '1.5'], /--max-rps/],
  [[...BASE, '--rps-mode', 'fast'], /--rps-mode/],
  [[...BASE, '--request-increase-rate', 'fast'], /--request-increase-rate/],
  [[...BASE, '--request-increase-rate', '-1/1s'], /--request-increase-rate/],
  [[...BASE, '--request-increase-rate', '10/0s'], /--request-increase-rate/],
  [[...BASE, '--master-host', ''], /--master-host/],
  [[...BASE, '--master-host', 'a b'], /--master-host/],
  [[...BASE, '--master-port', '0'], /--master-port/],
  [[...BASE, '--master-port', '70000'], /--master-port/],
  [[...BASE, '--master-port', 'x'], /--master-port/],
  [[...BASE, '--connect-timeout', 'soon'], /--connect-timeout/],
  [[...BASE, '--connect-timeout', '0'], /--connect-timeout/],
  [[...ALONE, '-u', '-1'], /--users/],
  [[...ALONE, '-u', 'x'], /--users/],
  [[...ALONE, '-r', '0'], /--spawn-rate/],
  [[...ALONE, '-r', 'x'], /--spawn-rate/],
  [[...ALONE, '-t', 'x'], /--run-time/],
  [[...ALONE, '-t', '0'], /--run-time/],
  [[...ALONE, '-t', '5 minutes'], /--run-time/],
  [[...BASE, '-u', '10'], /--users.*--standalone/],
  [[...BASE, '--csv', ''], /--csv/],
  [[...BASE, '--json', ''], /--json/],
  [[...BASE, '--rpc-timeout', '0'], /--rpc-timeout/],
  [[...BASE, '--rpc-timeout', 'x'], /--rpc-timeout/],
  [[...BASE, '--stop-timeout', 'x'], /--stop-timeout/],
  [[...BASE, '--log-level', 'loud'], /--log-level/],
  [[...BASE, '--log-format', 'xml'], /--log-format/],
  [[...BASE, '--no-such-flag'], /no-such-flag/],
  [[...BASE, 'stray'], /stray/],
  [[...BASE, '--max-rps'], /--max-rps/],
  [[...BASE, '--active-percent', '0'], /--active-percent/],
  [[...BASE, '--accounts', '3', '--active-percent', '10'], /--active-percent 10 of 3 accounts/],
  [['--run-tasks', 'nope'], /--run-tasks.*nope.*available:/],
  [['--run-tasks', 'blockNumber', '--standalone'], /--run-tasks.*--standalone/],
  [['--tc', 'gasPrice', '--run-tasks', 'blockNumber'], /--run-tasks: blockNumber is not one of --tc/],
  [['--run-tasks', 'blockNumber', '--processes', '2'], /--processes applies only with a master/],
  // The Go load testers' spellings: the same one-line errors, and a reason for what is refused.
  [['-tc', 'blockNumber', '-max-rps', 'ten'], /^klayworker: --max-rps: /],
  // A Go tool's name is named as the user typed it, with klayworker's.
  [['-tc=blockNumber', '-vusigned=0'], /^klayworker: -vusigned \(--accounts\): expected a whole number/],
  [['-tc', 'blockNumber', '-key', BAD_KEY], /--key/],
  [['-tc', 'blockNumber', '-vuunsigned', '0'], /^klayworker: -vuunsigned \(--node-signed-accounts\): expected a whole number from 1/],
  [['-tc', 'blockNumber', '--maxidleconns', '100'], /^klayworker: --maxidleconns: /],
  [['-tc', 'blockNumber', '-http.maxidleconns', '100'], /^klayworker: -http.maxidleconns: /],
  [['-tc', 'blockNumber', '--chargeParallel', '8'], /^klayworker: --chargeParallel: /],
  [['-tc', 'blockNumber,gasPrice', '--weights', '3'], /^klayworker: --weights "3": expected 2 whole numbers/],
  [['-tc', 'blockNumber,gasPrice', '--weights', '3,0'], /^klayworker: --weights "3,0"/],
  [['-tc', 'blockNumber', '-standalone=maybe'], /^klayworker: -standalone is a switch/],
  [['refund', '-endpoint', 'node'], /--endpoint/],
  // A mistyped key flag, or a key where no flag expects it: named, not shown.
  [[...BASE, `-keyy=${GOOD_KEY}`], /unknown option '-keyy=\[redacted\]'/],
  [[...BASE, GOOD_KEY], /unexpected argument "\[redacted\]"/],
  [['refund'], /--endpoint/],
  [['refund', '--endpoint', 'node'], /--endpoint/],
  [['refund', '--endpoint', 'http://127.0.0.1:9'], /key/i],
  [['refund', '--endpoint', 'http://127.0.0.1:9', '--key', BAD_KEY], /--key/],
  [['refund', '--endpoint', 'http://127.0.0.1:9', '--accounts', 'x'], /--accounts/],
];

/** What the CLI prints for `args` before anything starts, and the exit code it gives. */
async function configureError(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ status: number; line: string }> {
  try {
    const configured = await configure(args, envOf(env));
    return { status: configured === null ? 0 : -1, line: '' };
  } catch (err) {
    // Anything but a KlayworkerError is a crash with a stack trace in the CLI.
    if (!(err instanceof KlayworkerError)) throw err;
    return { status: err.exitCode, line: usageLine(err) };
  }
}

function expectOneLineWithoutKeys(text: string, pattern: RegExp): void {
  expect(text).toMatch(pattern);
  expect(text.trim().split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/\n\s+at |Error:|\{$/);
  expect(text.toLowerCase()).not.toContain(BAD_KEY.slice(2).toLowerCase());
  expect(text.toLowerCase()).not.toContain(GOOD_KEY.slice(2, 30));
}

describe('bad input', () => {
  it.each(CASES)('%j → one line naming the flag, exit 2', async (args, pattern, env) => {
    const { status, line } = await configureError(args, env);
    expect(status).toBe(2);
    expectOneLineWithoutKeys(line, pattern);
  });
});

/** One case of each kind, through the built CLI: a flag, a value, a key given badly, the environment, refund. */
const THROUGH_THE_CLI = CASES.filter(([args, , env]) => {
  const text = JSON.stringify([args, env ?? {}]);
  return (
    args.length === 0 ||
    text === JSON.stringify([['--tc', 'nope'], {}]) ||
    text === JSON.stringify([[...BASE, '--key', BAD_KEY], {}]) ||
    text === JSON.stringify([BASE, { KLAYWORKER_KEY: BAD_KEY }]) ||
    text === JSON.stringify([[...BASE, `-keyy=${GOOD_KEY}`], {}]) ||
    text === JSON.stringify([[...BASE, GOOD_KEY], {}]) ||
    text === JSON.stringify([['-tc', 'blockNumber', '-max-rps', 'ten'], {}]) ||
    text === JSON.stringify([['refund', '--endpoint', 'http://127.0.0.1:9', '--key', BAD_KEY], {}])
  );
});

// Side by side (vitest's maxConcurrency, 5 at a time): each case is a process start-up.
describe.concurrent('bad input through the CLI', () => {
  it('covers one case of each kind', () => {
    expect(THROUGH_THE_CLI).toHaveLength(8);
  });

  it.each(THROUGH_THE_CLI)('%j → the process prints that one line and exits 2', async (args, pattern, env) => {
    const { status, stderr, stdout } = await run(args, env);
    expect(status).toBe(2);
    expectOneLineWithoutKeys(stderr, pattern);
    expect(stderr.trim()).toBe((await configureError(args, env)).line);
    expect(stdout).toBe('');
  });

  it('--help and --version exit 0', async () => {
    expect((await run(['--help'])).status).toBe(0);
    expect((await run(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

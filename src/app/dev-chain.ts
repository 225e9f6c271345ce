/**
 * The embedded dev chain: a real anvil node on 127.0.0.1, used when no --endpoint is given.
 *
 * anvil runs under a watchdog (see dev-chain-watchdog.ts) in its own process group, so:
 * - a Ctrl-C in the terminal reaches only klayworker, which can finish its run against a
 *   live chain and then call stop();
 * - if klayworker dies without stop() (exit, an unhandled SIGINT/SIGTERM, even SIGKILL),
 *   the watchdog's stdin closes and it stops anvil. No signal handler is installed here,
 *   so the program's own signal handling is untouched.
 * The child and its pipes do not keep the event loop alive: a program that ends without
 * stop() still exits, and anvil goes with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from 'pino';

import { JsonRpcClient } from '../rpc/json-rpc.js';
import { KlayworkerError } from '../util/errors.js';
import { freePort } from '../util/ports.js';
import { WATCHDOG_SOURCE } from './dev-chain-watchdog.js';

export interface DevChainOptions {
  /** Seconds between blocks (default 1). Interval mining stays stable under sustained load. */
  blockTime?: number;
  log?: Logger;
}

export interface DevChain {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Private key of anvil's first dev account (funded). Never log it. */
  readonly richKey: string;
  /** anvil's process id. */
  readonly pid: number;
  /** Stops anvil and waits until it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

/** anvil's built-in dev mnemonic (public, for local chains only); account 0 is the rich one. */
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
const READY_DEADLINE_MS = 20_000;
const READY_POLL_MS = 50;
const STOP_DEADLINE_MS = 5_000;
const KILL_DEADLINE_MS = 2_000;
const PORT_ATTEMPTS = 5;
const STDERR_TAIL_CHARS = 4_000;

/** Starts anvil and resolves once it answers eth_chainId. */
export async function startDevChain(options: DevChainOptions = {}): Promise<DevChain> {
  const { blockTime = 1, log } = options;
  if (!Number.isFinite(blockTime) || blockTime <= 0) {
    throw new RangeError(`dev chain block time must be a positive number of seconds, got ${blockTime}`);
  }
  const bin = anvilBinaryPath();
  const deadline = performance.now() + READY_DEADLINE_MS;
  for (let attempt = 1; ; attempt++) {
    // anvil --port 0 works but, with --quiet, never says which port it got, and without
    // --quiet it prints the dev keys; so we pick a free port and retry if someone takes it.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const anvil = launch(bin, ['--host', '127.0.0.1', '--port', String(port), '--block-time', String(blockTime), '--quiet']);
    let pid: number;
    try {
      pid = await waitReady(anvil, url, deadline);
    } catch (err) {
      await terminate(anvil);
      if (err instanceof PortTaken && attempt < PORT_ATTEMPTS) continue;
      throw err;
    }
    return running(anvil, url, pid, log);
  }
}

/** The platform binary shipped by @foundry-rs/anvil, found from wherever klayworker is installed. */
export function anvilBinaryPath(): string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('@foundry-rs/anvil/package.json');
  } catch {
    throw new Error('cannot find the @foundry-rs/anvil package (a klayworker dependency); run npm install');
  }
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    // Resolved from @foundry-rs/anvil itself: the platform package is its optional dependency.
    return createRequire(manifest).resolve(`${platformPackage}/bin/${exe}`);
  } catch {
    // Without the platform package, @foundry-rs/anvil's postinstall downloads the binary here.
    const downloaded = join(dirname(manifest), exe);
    if (existsSync(downloaded)) return downloaded;
    throw new Error(`no anvil binary for ${process.platform}-${process.arch}: ${platformPackage} is not installed; reinstall @foundry-rs/anvil`);
  }
}

interface Launched {
  readonly child: ChildProcess;
  /** anvil's pid, as reported by the watchdog. */
  readonly pid: Promise<number>;
  /** The same pid once known, for killing without waiting. */
  reportedPid(): number | undefined;
  /** Settles when the watchdog has exited (after anvil), with its exit code. */
  readonly exited: Promise<number | null>;
  stderrTail(): string;
}

class PortTaken extends KlayworkerError {
  override name = 'PortTaken';
}

function launch(bin: string, args: readonly string[]): Launched {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, '--', bin, ...args], {
    stdio: 'pipe',
    // Own process group: terminal signals go to klayworker, which decides when to stop.
    detached: true,
    windowsHide: true,
  });
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    tail = (tail + text).slice(-STDERR_TAIL_CHARS);
  });
  child.stdin?.on('error', () => undefined); // EPIPE once the watchdog has gone
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      tail += `cannot start the anvil watchdog: ${err.message}\n`;
      resolve(null);
    });
  });
  let reported: number | undefined;
  const pid = new Promise<number>((resolve) => {
    let line = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      line += text;
      const end = line.indexOf('\n');
      if (end >= 0 && reported === undefined) {
        reported = Number(line.slice(0, end));
        resolve(reported);
      }
    });
  });
  return { child, pid, exited, reportedPid: () => reported, stderrTail: () => describeStderr(tail) };
}

/** Waits for anvil's pid and its first eth_chainId answer; rejects if it exits or the deadline passes. */
async function waitReady(anvil: Launched, url: string, deadline: number): Promise<number> {
  let exitCode: number | null | undefined;
  const exited = anvil.exited.then((code) => {
    exitCode = code;
  });
  const failure = (): Error => {
    const stderr = anvil.stderrTail();
    if (/address already in use/i.test(stderr)) return new PortTaken(`anvil could not listen on ${url}: ${stderr}`);
    return new Error(`anvil exited (code ${exitCode}) before it was ready${stderr ? `: ${stderr}` : ''}`);
  };
  const pid = await within(Promise.race([anvil.pid, exited]), deadline - performance.now());
  if (typeof pid !== 'number') {
    if (exitCode === undefined) throw new Error(`anvil did not start within ${READY_DEADLINE_MS / 1000} s`);
    throw failure();
  }
  const rpc = new JsonRpcClient(url, { connections: 1, timeoutMs: 1_000 });
  try {
    for (;;) {
      try {
        await rpc.call('eth_chainId', []);
        return pid;
      } catch {
        // Not listening yet.
      }
      if (exitCode !== undefined) throw failure();
      const left = deadline - performance.now();
      if (left <= 0) {
        const stderr = anvil.stderrTail();
        throw new Error(`anvil did not answer eth_chainId within ${READY_DEADLINE_MS / 1000} s${stderr ? `: ${stderr}` : ''}`);
      }
      await Promise.race([sleep(Math.min(READY_POLL_MS, left)), exited]);
    }
  } finally {
    await rpc.close();
  }
}

async function running(anvil: Launched, url: string, pid: number, log: Logger | undefined): Promise<DevChain> {
  // Backstop for process.exit() without stop(): the watchdog would also see its stdin close.
  const onExit = (): void => signal(pid, 'SIGTERM');
  process.on('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminate(anvil).then(() => {
      process.off('exit', onExit);
      log?.debug({ pid }, 'anvil dev chain stopped');
    });
    return stopping;
  };
  void anvil.exited.then((code) => {
    if (stopping === undefined) {
      process.off('exit', onExit);
      log?.error({ code, stderr: anvil.stderrTail() }, 'anvil dev chain exited unexpectedly');
    }
  });
  let richKey: string;
  try {
    richKey = await richKeyOf(url);
  } catch (err) {
    await stop();
    throw err;
  }
  for (const stream of [anvil.child.stdin, anvil.child.stdout, anvil.child.stderr]) {
    (stream as Socket | null)?.unref();
  }
  anvil.child.unref();
  log?.debug({ url, pid }, 'anvil dev chain started');
  return { url, richKey, pid, stop };
}

/** The default mnemonic's first key, checked against the node so a changed default fails loudly. */
async function richKeyOf(url: string): Promise<string> {
  // Loaded here only: ethers' wallets bring its providers and word lists, which nothing else
  // needs, and every start of the worker would pay for them.
  const { HDNodeWallet } = await import('ethers/wallet');
  const wallet = HDNodeWallet.fromPhrase(ANVIL_MNEMONIC);
  const rpc = new JsonRpcClient(url, { connections: 1, timeoutMs: 5_000 });
  try {
    const { result } = await rpc.call('eth_accounts', []);
    const first: unknown = Array.isArray(result) ? result[0] : undefined;
    if (typeof first !== 'string' || first.toLowerCase() !== wallet.address.toLowerCase()) {
      throw new Error(`anvil's first dev account is ${String(first)}, not ${wallet.address} of its usual dev mnemonic`);
    }
    return wallet.privateKey;
  } finally {
    await rpc.close();
  }
}

/** Asks the watchdog to stop anvil; kills both if that takes too long. */
async function terminate(anvil: Launched): Promise<void> {
  anvil.child.stdin?.end();
  if (await settlesWithin(anvil.exited, STOP_DEADLINE_MS)) return;
  const anvilPid = anvil.reportedPid();
  if (anvilPid !== undefined) signal(anvilPid, 'SIGKILL');
  if (anvil.child.pid !== undefined) signal(anvil.child.pid, 'SIGKILL');
  await settlesWithin(anvil.exited, KILL_DEADLINE_MS);
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (
    (await within(
      promise.then(() => true),
      ms,
    )) === true
  );
}

/** The promise's value, or undefined if it has not settled within `ms`; leaves no timer behind. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, sleep(Math.max(0, ms), undefined, { signal: timer.signal }).catch(() => undefined)]);
  } finally {
    timer.abort();
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** The last lines of anvil's stderr as one line, with anything shaped like a key removed. */
function describeStderr(tail: string): string {
  const lines = tail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const text = lines
    .slice(-5)
    .join(' | ')
    .replace(/(0x)?[0-9a-fA-F]{64}/g, '<redacted>');
  return text.length > 500 ? `…${text.slice(-500)}` : text;
}

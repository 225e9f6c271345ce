import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { Wallet } from 'ethers';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { startDevChain } from '../../src/app/dev-chain.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { anvilAvailable } from '../support/anvil-available.js';
import { requireOrSkip } from '../support/require-tool.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Built by `npm test`'s pretest, like the CLI the other tests start.
const DEV_CHAIN_BUILT = new URL('../../dist/src/app/dev-chain.js', import.meta.url).href;
const GONE_DEADLINE_MS = 10_000;

/** Alive and not a zombie waiting for a reaper. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

async function waitUntil(condition: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('startDevChain', () => {
  it('starts anvil with a funded rich key, answers eth_blockNumber, and stop() kills it', async (ctx) => {
    const probe = anvilAvailable();
    requireOrSkip(ctx, probe.ok, probe.reason);
    const logged: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) }));

    const chain = await startDevChain({ log });
    const rpc = new JsonRpcClient(chain.url, { timeoutMs: 5_000 });
    try {
      expect(chain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(isRunning(chain.pid)).toBe(true);
      const { result: head } = await rpc.call('eth_blockNumber', []);
      expect(head).toMatch(/^0x(0|[1-9a-f][0-9a-f]*)$/);
      const { result: balance } = await rpc.call('eth_getBalance', [new Wallet(chain.richKey).address, 'latest']);
      expect(BigInt(balance as string)).toBeGreaterThan(10n ** 18n);
    } finally {
      await rpc.close();
      await chain.stop();
    }
    expect(isRunning(chain.pid)).toBe(false);
    await chain.stop(); // a second stop is harmless

    const after = new JsonRpcClient(chain.url, { timeoutMs: 2_000 });
    await expect(after.call('eth_blockNumber', [])).rejects.toMatchObject({ kind: 'network' });
    await after.close();

    const logs = logged.join('');
    expect(logs).toContain(chain.url);
    expect(logs).not.toContain(chain.richKey.slice(2));
  });

  it('rejects a block time that is not a positive number', async () => {
    await expect(startDevChain({ blockTime: 0 })).rejects.toThrow(/block time/);
  });

  // The child imports the built dev-chain module as the CLI runs it (a module runner that
  // closes after its import cannot serve the module's own later imports). It prints anvil's
  // pid, then ends as the mode says.
  const CHILD = `
    const { startDevChain } = await import(${JSON.stringify(DEV_CHAIN_BUILT)});
    const chain = await startDevChain();
    process.stdout.write(JSON.stringify({ pid: chain.pid }) + '\\n');
    if (process.argv[1] === 'wait') setInterval(() => {}, 1000);
    else if (process.argv[1] === 'exit') process.exit(3);
    // 'return': nothing left to do; the dev chain must not keep the process alive.
  `;

  it.for([
    ['is SIGKILLed', 'wait', 'SIGKILL'],
    ['gets SIGTERM (no handler)', 'wait', 'SIGTERM'],
    ['calls process.exit() without stop()', 'exit', undefined],
    ['simply ends without stop()', 'return', undefined],
  ] as const)('leaves no anvil behind when its process %s', async ([, mode, signal], ctx) => {
    const probe = anvilAvailable();
    requireOrSkip(ctx, probe.ok, probe.reason);
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let childDone = false;
    void exited.then(() => (childDone = true));
    let pid: number | undefined;
    try {
      await waitUntil(() => stdout.includes('\n') || childDone, 30_000, 'the child reported its dev chain');
      expect(stdout, stderr).toContain('"pid"');
      pid = (JSON.parse(stdout.split('\n')[0]!) as { pid: number }).pid;
      if (signal !== undefined) {
        expect(isRunning(pid)).toBe(true);
        child.kill(signal);
      }
      await waitUntil(() => childDone, GONE_DEADLINE_MS, 'the child exited');
      const anvilPid = pid;
      await waitUntil(() => !isRunning(anvilPid), GONE_DEADLINE_MS, `anvil (pid ${anvilPid}) is gone`);
      // Its stdout lists private keys; none may reach ours.
      expect(stdout + stderr).not.toMatch(/[0-9a-f]{64}/i);
    } finally {
      if (!childDone) child.kill('SIGKILL');
      // Only when the test already failed: do not leave our anvil running.
      if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

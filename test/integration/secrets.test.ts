/**
 * The rich private key never leaves the process: not in stdout, stderr, log lines at any
 * level, the CSV and JSON files, error messages, nor the argv of any child process.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { CLI, killStarted, type Proc, startProcess } from '../support/processes.js';

let chain: DevChain;
beforeAll(async () => {
  chain = await startDevChain({ blockTime: 1 });
});
afterAll(async () => {
  await chain.stop();
});
afterEach(() => killStarted());

/** Every spelling of a key a leak could take. */
function keyPattern(key: string): RegExp {
  return new RegExp(key.replace(/^0x/i, ''), 'i');
}

/** The command lines of `pid` and all its descendants, read from /proc. */
function processTreeArgv(pid: number): string[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const argv: string[] = [];
  const visit = (p: number) => {
    try {
      argv.push(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // gone
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return argv;
}

async function runAndCollect(worker: Proc, outDir: string): Promise<{ text: string; argv: string[] }> {
  await worker.waitForOutput(/standalone test started/, 60_000);
  const argv = processTreeArgv(worker.child.pid!);
  expect(await worker.exited(60_000)).toBe(0);
  const files = readdirSync(outDir).map((f) => readFileSync(join(outDir, f), 'utf8'));
  return { text: [worker.output(), ...files].join('\n'), argv };
}

describe('the private key', () => {
  it('never appears in any output, file or child argv of a full debug run (key file and environment)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-secrets-'));
    const keyFile = join(dir, 'rich.key');
    writeFileSync(keyFile, `${chain.richKey}\n`, { mode: 0o600 });
    const pattern = keyPattern(chain.richKey);

    for (const [name, args, env] of [
      ['key-file', ['--key-file', keyFile], {}],
      ['environment', [], { KLAYWORKER_KEY: chain.richKey.toUpperCase().replace('0X', '0x') }],
    ] as const) {
      const out = mkdtempSync(join(tmpdir(), `klayworker-secrets-${name}-`));
      const worker = startProcess(
        process.execPath,
        [
          CLI,
          '--standalone',
          '-u',
          '4',
          '-r',
          '20',
          '-t',
          '3s',
          '--tc',
          'valueTransfer,receiptCheck',
          '--accounts',
          '6',
          '--endpoint',
          chain.url,
          '--log-level',
          'trace',
          '--log-format',
          'json',
          '--csv',
          join(out, 'run'),
          '--json',
          join(out, 'summary.json'),
          ...args,
        ],
        { env },
      );
      const { text, argv } = await runAndCollect(worker, out);
      expect(text.length, name).toBeGreaterThan(1_000);
      expect(text, name).not.toMatch(pattern);
      expect(argv.join('\n'), name).not.toMatch(pattern);
    }
  }, 120_000);

  it('with the embedded dev chain, its funded key stays out of every output and child argv', async () => {
    const out = mkdtempSync(join(tmpdir(), 'klayworker-secrets-embedded-'));
    const worker = startProcess(process.execPath, [
      CLI,
      '--standalone',
      '-u',
      '2',
      '-r',
      '20',
      '-t',
      '3s',
      '--tc',
      'valueTransfer',
      '--accounts',
      '4',
      '--log-level',
      'trace',
      '--json',
      join(out, 'summary.json'),
    ]);
    const { text, argv } = await runAndCollect(worker, out);
    // The embedded anvil is started the same way each time, so its first dev key is this one.
    expect(argv.some((a) => /anvil/.test(a))).toBe(true);
    expect(text).not.toMatch(keyPattern(chain.richKey));
    expect(argv.join('\n')).not.toMatch(keyPattern(chain.richKey));
    expect(argv.join('\n')).not.toMatch(/mnemonic|private/i);
  }, 120_000);
});

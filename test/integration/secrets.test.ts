/**
 * The rich private key never leaves the process: not in stdout, stderr, log lines at any
 * level, the CSV and JSON files, error messages, nor the argv of any child process. Nor do
 * the endpoint's credentials and query values, nor --header's values.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { standaloneArgv } from '../support/cli-argv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { type GuardedRpcServer, startGuardedRpcServer } from '../support/guarded-rpc-server.js';
import { MockMaster } from '../support/mock-master.js';
import { CLI, type Proc, startProcess } from '../support/processes.js';

const dev = useBareDevChain();

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

/** Every line logged, at trace level, and every file written (CSV and JSON) into `out`: all a leak could reach. */
function tracedToFiles(out: string): string[] {
  return ['--log-level', 'trace', '--log-format', 'json', '--csv', join(out, 'run'), '--json', join(out, 'summary.json')];
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
    writeFileSync(keyFile, `${dev.chain.richKey}\n`, { mode: 0o600 });
    const pattern = keyPattern(dev.chain.richKey);

    for (const [name, args, env] of [
      ['key-file', ['--key-file', keyFile], {}],
      ['environment', [], { KLAYWORKER_KEY: dev.chain.richKey.toUpperCase().replace('0X', '0x') }],
    ] as const) {
      const out = mkdtempSync(join(tmpdir(), `klayworker-secrets-${name}-`));
      const worker = startProcess(
        process.execPath,
        standaloneArgv(
          { users: 4, rate: 20, time: '3s', tc: 'valueTransfer,receiptCheck' },
          '--accounts',
          '6',
          '--endpoint',
          dev.chain.url,
          ...tracedToFiles(out),
          ...args,
        ),
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
    const worker = startProcess(
      process.execPath,
      standaloneArgv({ users: 2, rate: 20, time: '3s', tc: 'valueTransfer' }, '--accounts', '4', '--log-level', 'trace', '--json', join(out, 'summary.json')),
    );
    const { text, argv } = await runAndCollect(worker, out);
    // The embedded anvil is started the same way each time, so its first dev key is this one.
    expect(argv.some((a) => /anvil/.test(a))).toBe(true);
    expect(text).not.toMatch(keyPattern(dev.chain.richKey));
    expect(argv.join('\n')).not.toMatch(keyPattern(dev.chain.richKey));
    expect(argv.join('\n')).not.toMatch(/mnemonic|private/i);
  }, 120_000);
});

/** Every spelling of the endpoint's and headers' secrets a leak could take. */
const ENDPOINT_SECRETS = ['s3cret', 'pa ss', 'pa%20ss', 'q5ecret', Buffer.from('user:pa ss').toString('base64')];

function expectNoEndpointSecret(text: string, what: string): void {
  for (const secret of ENDPOINT_SECRETS) expect(text, `${what} holds ${secret}`).not.toContain(secret);
}

/** An endpoint that wants an API key header and Basic auth, with an API key in its query too. */
async function guardedEndpoint(): Promise<{ server: GuardedRpcServer; url: string }> {
  const basic = `Basic ${Buffer.from('user:pa ss').toString('base64')}`;
  const server = await startGuardedRpcServer({ allow: (h) => h['x-api-key'] === 's3cret' && h.authorization === basic });
  return { server, url: `http://user:pa%20ss@127.0.0.1:${server.port}/rpc?apikey=q5ecret` };
}

describe("the endpoint's credentials and --header values", () => {
  it('never appear in output, files or logs at trace level, whether the run succeeds or is refused', async () => {
    const { server, url } = await guardedEndpoint();
    try {
      for (const [name, header, exitCode] of [
        ['accepted', 'x-api-key: s3cret', 0],
        ['refused', 'x-api-key: s3cret-wrong', 1],
      ] as const) {
        const out = mkdtempSync(join(tmpdir(), `klayworker-secrets-endpoint-${name}-`));
        const worker = startProcess(
          process.execPath,
          standaloneArgv({ users: 2, rate: 20, time: '2s', tc: 'blockNumber' }, '--endpoint', url, '--header', header, ...tracedToFiles(out)),
        );
        expect(await worker.exited(60_000), worker.output().slice(-1500)).toBe(exitCode);
        const files = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
        const text = [worker.output(), ...files].join('\n');
        if (name === 'refused') expect(text).toContain('the endpoint refused the credentials (HTTP 401)');
        expectNoEndpointSecret(text, name);
      }
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a bad --header or --endpoint is a usage error that does not print them', async () => {
    for (const args of [
      ['--header', 'x-api-key s3cret'],
      ['--header', 'x-api-key: s3cret\r\nx: y'],
      ['--endpoint', 'ftp://user:pa%20ss@127.0.0.1/?apikey=q5ecret'],
      ['--endpoint', 'http://user:pa%20ss%zz@127.0.0.1/'],
    ]) {
      const worker = startProcess(process.execPath, [CLI, '--tc', 'blockNumber', ...args]);
      expect(await worker.exited(30_000)).toBe(2);
      expect(worker.output().trim().split('\n')).toHaveLength(1);
      expectNoEndpointSecret(worker.output(), args.join(' '));
    }
  }, 60_000);

  it('with --processes 2 the children get them in their environment (they are let in), never in their argv', async () => {
    const { server, url } = await guardedEndpoint();
    const master = await MockMaster.start();
    try {
      const parent = startProcess(
        process.execPath,
        [CLI, '--tc', 'blockNumber', '--endpoint', url, '--master-port', String(master.port), '--processes', '2', '--log-level', 'trace'],
        { env: { KLAYWORKER_HEADER: 'x-api-key: s3cret' } },
      );
      const deadline = performance.now() + 30_000;
      const ready = () => [...new Set(master.ofType('client_ready').map((m) => m.identity))];
      while (ready().length < 2) {
        if (performance.now() > deadline) throw new Error(`no two client_ready within 30 s:\n${parent.output().slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // The parent's own argv holds what the user gave it; its children's must not.
      const [parentArgv, ...childArgv] = processTreeArgv(parent.child.pid!);
      expect(parentArgv).toContain('q5ecret');
      expect(childArgv).toHaveLength(2);
      expectNoEndpointSecret(childArgv.join('\n'), 'children argv');
      for (const id of ready()) {
        await master.send(id, 'ack', { index: 0 });
        await master.spawnUsers(id, 2);
      }
      // Both children reach the guarded endpoint: the header and the credentials arrived.
      const totals = (id: string) =>
        master
          .ofType('stats')
          .filter((m) => m.identity === id)
          .map((m) => (m.data as { stats_total: { num_requests: number; num_failures: number } }).stats_total)
          .reduce((a, t) => ({ requests: a.requests + t.num_requests, failures: a.failures + t.num_failures }), { requests: 0, failures: 0 });
      while (!ready().every((id) => totals(id).requests > 0)) {
        if (performance.now() > deadline + 30_000) throw new Error(`no requests from both children:\n${parent.output().slice(-1500)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const id of ready()) expect(totals(id).failures).toBe(0);
      expect(server.refused).toBe(0);
      for (const id of ready()) await master.send(id, 'quit', null);
      expect(await parent.exited(30_000)).toBe(0);
      expectNoEndpointSecret(parent.output(), 'output');
    } finally {
      await master.close();
      await server.close();
    }
  }, 120_000);
});

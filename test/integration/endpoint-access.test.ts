/**
 * The endpoints users really have, reached by the real CLI: https with a private CA
 * (--ca-file), an API key header (--header), Basic auth in the URL; and what a refusal looks
 * like: one line naming the cause, never a stack, and at start-up no retrying.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { standaloneArgv } from '../support/cli-argv.js';
import { parseCsv } from '../support/csv.js';
import { type GuardedRpcServer, startGuardedRpcServer } from '../support/guarded-rpc-server.js';
import { CLI, killStarted, startProcess } from '../support/processes.js';
import { makeTestCa, type TestCa } from '../support/test-ca.js';

interface Summary {
  total: { requests: number; failures: number };
}

const servers: GuardedRpcServer[] = [];
async function serve(...args: Parameters<typeof startGuardedRpcServer>): Promise<GuardedRpcServer> {
  const server = await startGuardedRpcServer(...args);
  servers.push(server);
  return server;
}
afterEach(() => killStarted());
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const BLOCK_NUMBERS = { users: 2, rate: 2, time: '2s', tc: 'blockNumber' };

/** `klayworker --standalone … --tc blockNumber` for 2 s: its exit code, output, --json summary and the failure messages of --csv. */
async function blockNumberRun(
  endpoint: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | string; output: string; summary: Summary; failures: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-endpoint-'));
  const json = join(dir, 'out.json');
  const worker = startProcess(process.execPath, standaloneArgv(BLOCK_NUMBERS, '--endpoint', endpoint, '--json', json, '--csv', join(dir, 'run'), ...extra), {
    env,
  });
  const code = await worker.exited(30_000);
  const failures = parseCsv(readFileSync(join(dir, 'run_failures.csv'), 'utf8')).map((row) => row.Error!);
  return { code, output: worker.output(), summary: JSON.parse(readFileSync(json, 'utf8')) as Summary, failures };
}

/** The same run against an endpoint that refuses it: the exit code, and the last line it printed. */
async function refusedRun(endpoint: string, extra: string[] = []): Promise<{ code: number | string; output: string; last: string }> {
  const worker = startProcess(process.execPath, standaloneArgv(BLOCK_NUMBERS, '--endpoint', endpoint, ...extra));
  const code = await worker.exited(30_000);
  return { code, output: worker.output(), last: worker.output().trim().split('\n').at(-1) ?? '' };
}

describe('https', () => {
  let ca: TestCa;
  let node: GuardedRpcServer;
  beforeAll(async () => {
    ca = makeTestCa();
    node = await serve({ tls: ca.leaf('IP:127.0.0.1,DNS:localhost') });
  });

  it('with --ca-file: the private CA is trusted and a 2 s run has no failure', async () => {
    const { code, output, summary } = await blockNumberRun(node.url, ['--ca-file', ca.caFile]);
    expect(code, output.slice(-1500)).toBe(0);
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.total.failures).toBe(0);
  }, 60_000);

  it('with --ca-file the CAs Node trusts stay trusted: it is added, not a replacement', async () => {
    const { rootCertificates } = await import('node:tls');
    const { trustedCas } = await import('../../src/rpc/endpoint.js');
    const ca1 = readFileSync(ca.caFile, 'utf8');
    expect(trustedCas([ca1])).toEqual([...rootCertificates, ca1]);
  });

  it('without --ca-file: even a run of plain reads stops at the start in one line naming the cause, exit 1, and no stack', async () => {
    const { code, output, last } = await refusedRun(node.url);
    expect(code).toBe(1);
    expect(last).toMatch(/the node at 127\.0\.0\.1:\d+: TLS: the endpoint's certificate is not signed by a trusted CA \(use --ca-file\)$/);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/summary/);
  }, 60_000);

  it('a certificate for another host name is named as such', async () => {
    const other = await serve({ tls: ca.leaf('DNS:node.example') });
    const { code, last } = await refusedRun(other.url, ['--ca-file', ca.caFile]);
    expect(code).toBe(1);
    expect(last).toMatch(/TLS: the endpoint's certificate is not for this host name$/);
  }, 60_000);

  it('at start-up (a chain read in wait-for-node) a TLS failure ends the run in one line, exit 1, without retrying', async () => {
    const started = performance.now();
    const refund = startProcess(process.execPath, [CLI, 'refund', '--endpoint', node.url, '--connect-timeout', '60s'], {
      env: { KLAYWORKER_KEY: `0x${'11'.repeat(32)}` },
    });
    expect(await refund.exited(30_000)).toBe(1);
    expect(performance.now() - started).toBeLessThan(30_000);
    const lines = refund.output().trim().split('\n');
    expect(lines.at(-1)).toMatch(/the node at 127\.0\.0\.1:\d+: TLS: the endpoint's certificate is not signed by a trusted CA \(use --ca-file\)$/);
    expect(refund.output()).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('credentials', () => {
  const API_KEY = 's3cret';
  const basic = `Basic ${Buffer.from('user:pa ss').toString('base64')}`;
  let keyed: GuardedRpcServer;
  let basicAuth: GuardedRpcServer;
  beforeAll(async () => {
    keyed = await serve({ allow: (h) => h['x-api-key'] === API_KEY });
    basicAuth = await serve({ allow: (h) => h.authorization === basic });
  });

  it('--header "x-api-key: …" is sent with every request', async () => {
    const { code, output, summary } = await blockNumberRun(keyed.url, ['--header', `x-api-key: ${API_KEY}`]);
    expect(code, output.slice(-1500)).toBe(0);
    expect(summary.total.failures).toBe(0);
    expect(summary.total.requests).toBeGreaterThan(0);
  }, 60_000);

  it('credentials in the URL are sent as Basic auth, percent-decoded', async () => {
    const url = `http://user:pa%20ss@127.0.0.1:${basicAuth.port}/`;
    const { code, output, summary } = await blockNumberRun(url);
    expect(code, output.slice(-1500)).toBe(0);
    expect(summary.total.failures).toBe(0);
  }, 60_000);

  it.each([
    ['no API key', () => keyed.url, [] as string[]],
    ['a wrong API key', () => keyed.url, ['--header', 'x-api-key: wrong']],
    ['no credentials', () => basicAuth.url, []],
    ['an Authorization header, which wins over the URL’s', () => `http://user:pa%20ss@127.0.0.1:${basicAuth.port}/`, ['--header', 'Authorization: Bearer x']],
  ])(
    'with %s: a run of plain reads stops at the start with the one-line credentials message, exit 1',
    async (_name, url, extra) => {
      const { code, output, last } = await refusedRun(url(), extra);
      expect(code).toBe(1);
      expect(last).toMatch(/the node at 127\.0\.0\.1:\d+: the endpoint refused the credentials \(HTTP 401\)$/);
      expect(output).not.toContain('pa ss');
      expect(output).not.toContain('Bearer x');
    },
    60_000,
  );

  it('at start-up a 401 ends the run at once in one line, exit 1, not after --connect-timeout', async () => {
    const started = performance.now();
    const refund = startProcess(process.execPath, [CLI, 'refund', '--endpoint', keyed.url, '--connect-timeout', '60s'], {
      env: { KLAYWORKER_KEY: `0x${'11'.repeat(32)}` },
    });
    expect(await refund.exited(30_000)).toBe(1);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(refund.output().trim().split('\n').at(-1)).toMatch(/the node at 127\.0\.0\.1:\d+: the endpoint refused the credentials \(HTTP 401\)$/);
  }, 60_000);
});

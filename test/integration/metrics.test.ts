/**
 * --metrics-port: Prometheus text on GET /metrics, scraped while a standalone run and a
 * master-driven run go on; the counts agree with the run's --json summary (and with what the
 * master was sent).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { masterWorkerArgv, standaloneArgv } from '../support/cli-argv.js';
import { replyJson, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { MockMaster } from '../support/mock-master.js';
import { CLI, killStarted, type Proc, startProcess } from '../support/processes.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  killStarted();
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A node whose every third eth_blockNumber is a JSON-RPC error: failures to count. */
async function flakyNode(): Promise<string> {
  let n = 0;
  const server = await startFakeRpcServer((req, res) => {
    const id = JSON.stringify(req.id);
    n++;
    if (n % 3 === 0) replyJson(res, `{"jsonrpc":"2.0","id":${id},"error":{"code":-32000,"message":"busy"}}`);
    else replyJson(res, `{"jsonrpc":"2.0","id":${id},"result":"0x10"}`);
  });
  cleanup.push(() => server.close());
  return server.url;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples: Sample[] = [];
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const SERIES = { type: 'eth_blockNumber', name: 'blockNumber' };

async function metricsUrl(worker: Proc): Promise<string> {
  const [, url] = await worker.waitForOutput(/"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/, 30_000);
  return url!;
}

interface Summary {
  total: { requests: number; failures: number; avg_ms: number };
}

/** Metrics on a port of the system's choosing (its URL in the JSON log) and the --json summary in `dir`, to compare. */
function scrapedAndSummed(dir: string): string[] {
  return ['--metrics-port', '127.0.0.1:0', '--json', join(dir, 'summary.json'), '--log-format', 'json'];
}

/** The counts of one scrape against a --json summary: the same requests, failures and times. */
function expectAgreement(samples: Sample[], summary: Summary): void {
  expect(value(samples, 'klayworker_requests_total', SERIES)).toBe(summary.total.requests);
  expect(value(samples, 'klayworker_failures_total', SERIES)).toBe(summary.total.failures);
  expect(value(samples, 'klayworker_response_time_seconds_count', SERIES)).toBe(summary.total.requests);
  expect(value(samples, 'klayworker_response_time_seconds_bucket', { ...SERIES, le: '+Inf' })).toBe(summary.total.requests);
  const sumS = value(samples, 'klayworker_response_time_seconds_sum', SERIES)!;
  expect(sumS * 1000).toBeCloseTo(summary.total.avg_ms * summary.total.requests, 6);
}

describe('--metrics-port', () => {
  it('during a standalone run: users, cap, state and counts that match --json', async () => {
    const node = await flakyNode();
    const dir = mkdtempSync(join(tmpdir(), 'kw-metrics-'));
    // 20 per second for 3 s: at most 60 requests, all done a while before the end.
    const worker = startProcess(
      process.execPath,
      standaloneArgv({ users: 4, rate: 100, time: '3s', tc: 'blockNumber' }, '--endpoint', node, '--max-rps', '20', ...scrapedAndSummed(dir)),
    );
    const url = await metricsUrl(worker);
    await worker.waitForOutput(/standalone test started/, 10_000);
    // Scraped every 100 ms while it runs (a fixed wait could land after the end on a loaded
    // machine): the last scrape in state running holds every request, the last second's
    // budget being spent a second before the end.
    let last: Sample[] | undefined;
    let otherStatus: number | undefined;
    const deadline = performance.now() + 15_000;
    while (worker.child.exitCode === null && !/standalone test finished/.test(worker.output()) && performance.now() < deadline) {
      try {
        const samples = await scrape(url);
        if (value(samples, 'klayworker_state', { state: 'running' }) === 1) last = samples;
        otherStatus ??= await fetch(url.replace('/metrics', '/other')).then((r) => r.status);
      } catch (err) {
        // The run ended (and its server closed) between the check and the scrape.
        if (!(err instanceof TypeError)) throw err;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last, 'no scrape while the run was running').toBeDefined();
    const during = last!;
    expect(otherStatus).toBe(404);
    expect(value(during, 'klayworker_users', { test_case: 'blockNumber' })).toBe(4);
    expect(value(during, 'klayworker_rps_cap')).toBe(20);
    expect(value(during, 'klayworker_state', { state: 'running' })).toBe(1);
    expect(value(during, 'klayworker_state', { state: 'ready' })).toBe(0);
    expect(value(during, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // Histogram buckets are cumulative and end at the count.
    const buckets = during.filter((s) => s.name === 'klayworker_response_time_seconds_bucket').map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));

    expect(await worker.exited(15_000)).toBe(1); // failed requests: exit code 1, like Locust
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    // The cap holds (3 budgets of 20; a process starved for a whole second on a loaded machine
    // loses that second's budget, as a token bucket does), and every third answer is an error.
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.total.requests).toBeLessThanOrEqual(60);
    expect(summary.total.failures).toBe(Math.floor(summary.total.requests / 3));
    expectAgreement(during, summary);
  }, 60_000);

  it('during a master-driven run: scraped while running and after stop, matching --json and the master', async () => {
    const node = await flakyNode();
    const master = await MockMaster.start();
    cleanup.push(() => master.close());
    const dir = mkdtempSync(join(tmpdir(), 'kw-metrics-'));
    const worker = startProcess(
      process.execPath,
      masterWorkerArgv({ tc: 'blockNumber', endpoint: node, masterPort: master.port }, '--max-rps', '30', ...scrapedAndSummed(dir)),
    );
    const url = await metricsUrl(worker);
    const ready = await master.waitFor('client_ready', { timeoutMs: 30_000 });
    expect(value(await scrape(url), 'klayworker_state', { state: 'ready' })).toBe(1);
    await master.send(ready.identity, 'ack', { index: 0 });
    await master.spawnUsers(ready.identity, 5);
    await master.waitFor((m) => m.type === 'stats' && (m.data as { stats_total: { num_requests: number } }).stats_total.num_requests > 0, {
      timeoutMs: 10_000,
    });
    const running = await scrape(url);
    expect(value(running, 'klayworker_users', { test_case: 'blockNumber' })).toBe(5);
    expect(value(running, 'klayworker_state', { state: 'running' })).toBe(1);
    expect(value(running, 'klayworker_rps_cap')).toBe(30);
    expect(value(running, 'klayworker_requests_total', SERIES)).toBeGreaterThan(0);

    const mark = master.received.length;
    await master.send(ready.identity, 'stop', null);
    await master.waitFor('client_stopped', { from: mark, timeoutMs: 10_000 });
    const stopped = await scrape(url);
    expect(value(stopped, 'klayworker_users', { test_case: 'blockNumber' })).toBe(0);
    expect(value(stopped, 'klayworker_state', { state: 'ready' })).toBe(1);
    await master.send(ready.identity, 'quit', null);
    expect(await worker.exited(15_000)).toBe(0);

    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.total.failures).toBeGreaterThan(0);
    expectAgreement(stopped, summary);
    const sentToMaster = master.ofType('stats').reduce((a, m) => a + (m.data as { stats_total: { num_requests: number } }).stats_total.num_requests, 0);
    expect(sentToMaster).toBe(summary.total.requests);
  }, 60_000);

  it('refuses a port it cannot listen on with one line', async () => {
    const blocker = await startFakeRpcServer((_req, res) => replyJson(res, '{}'));
    cleanup.push(() => blocker.close());
    const port = new URL(blocker.url).port;
    const worker = startProcess(process.execPath, [
      CLI,
      '--standalone',
      '-t',
      '1s',
      '--tc',
      'blockNumber',
      '--endpoint',
      blocker.url,
      '--metrics-port',
      `127.0.0.1:${port}`,
    ]);
    expect(await worker.exited(15_000)).toBe(1);
    expect(worker.output()).toMatch(new RegExp(`--metrics-port: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
  }, 30_000);
});

/**
 * A worker configured the way a container is: no flags at all, Locust's worker variables for
 * the master and KLAYWORKER_* for the rest. It joins the master and runs; with
 * KLAYWORKER_PROCESSES its children get their own share and fork no further.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { type FakeRpcServer, replyJson, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { MockMaster, type Received } from '../support/mock-master.js';
import { CLI, eventually, killStarted, startProcess } from '../support/processes.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  killStarted();
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function blockNumberNode(): Promise<FakeRpcServer> {
  const server = await startFakeRpcServer((req, res) => replyJson(res, `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":"0x10"}`));
  cleanup.push(() => server.close());
  return server;
}

async function mockMaster(): Promise<MockMaster> {
  const master = await MockMaster.start();
  cleanup.push(() => master.close());
  return master;
}

/** Malformed (its last two digits are not hex), so that the error path runs. */
const SECRET = `0x${'ab'.repeat(31)}zz`;

const requests = (m: Received) => (m.data as { stats_total: { num_requests: number } }).stats_total.num_requests;

describe('configured by the environment alone', () => {
  it('LOCUST_MASTER_NODE_HOST/PORT, KLAYWORKER_TC and KLAYWORKER_ENDPOINT: joins the master and runs its users', async () => {
    const node = await blockNumberNode();
    const master = await mockMaster();
    const worker = startProcess(process.execPath, [CLI], {
      env: {
        LOCUST_MASTER_NODE_HOST: '127.0.0.1',
        LOCUST_MASTER_NODE_PORT: String(master.port),
        LOCUST_MODE_WORKER: 'true',
        KLAYWORKER_TC: 'blockNumber',
        KLAYWORKER_ENDPOINT: node.url,
        KLAYWORKER_MAX_RPS: '50',
      },
    });
    const ready = await master.waitFor('client_ready', { timeoutMs: 30_000 });
    await master.send(ready.identity, 'ack', { index: 0 });
    const mark = master.received.length;
    await master.spawnUsers(ready.identity, 3);
    await master.waitFor((m) => m.type === 'stats' && requests(m) > 0, { from: mark, timeoutMs: 20_000 });
    await master.send(ready.identity, 'quit', null);
    expect(await worker.exited(15_000), worker.output().slice(-1500)).toBe(0);
    expect(node.requests.filter((r) => r.method === 'eth_blockNumber').length).toBeGreaterThan(0);
    // No flag was given, so there was no old name to warn about.
    expect(worker.output()).not.toMatch(/WARN/);
  }, 60_000);

  it('KLAYWORKER_PROCESSES=2 forks two workers, each with its share of KLAYWORKER_MAX_RPS, whose environment cannot fork again', async () => {
    const node = await blockNumberNode();
    const master = await mockMaster();
    const parent = startProcess(process.execPath, [CLI], {
      env: {
        LOCUST_MASTER_NODE_PORT: String(master.port),
        KLAYWORKER_TC: 'blockNumber',
        KLAYWORKER_ENDPOINT: node.url,
        KLAYWORKER_PROCESSES: '2',
        KLAYWORKER_MAX_RPS: '10',
        KLAYWORKER_LOG_FORMAT: 'json',
      },
    });
    const pids = await eventually(
      () => {
        const started = parent
          .output()
          .split('\n')
          .filter((line) => line.includes('"worker process started"'))
          .map((line) => (JSON.parse(line) as { pid: number }).pid);
        return new Set(master.ofType('client_ready').map((m) => m.identity)).size === 2 && started.length === 2 ? started : undefined;
      },
      30_000,
      'two workers registered',
      100,
    );
    for (const pid of pids) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(argv[argv.indexOf('--max-rps') + 1]).toBe('5');
      expect(env).toContain('KLAYWORKER_TC=blockNumber');
      expect(env.filter((v) => /^KLAYWORKER_(PROCESSES|MAX_RPS)=/.test(v))).toEqual([]);
    }
    parent.kill('SIGTERM');
    expect(await parent.exited(20_000)).toBe(0);
    // Every process that ever registered was one of the two children.
    expect(new Set(master.ofType('client_ready').map((m) => m.identity)).size).toBe(2);
    expect(parent.output().match(/"worker process started"/g)).toHaveLength(2);
  }, 60_000);

  it.each([
    [{ KLAYWORKER_TC: 'blockNumber', LOCUST_MASTER_NODE_PORT: 'x' }, /^klayworker: LOCUST_MASTER_NODE_PORT: expected a whole number from 1 to 65535, got "x"$/],
    [{ KLAYWORKER_TC: 'nope' }, /^klayworker: KLAYWORKER_TC: unknown test case "nope"; available: /],
    [{ KLAYWORKER_TC: 'blockNumber', KLAYWORKER_STANDALONE: 'maybe' }, /^klayworker: KLAYWORKER_STANDALONE: expected true or false/],
    [{ KLAYWORKER_TC: 'blockNumber', KLAYWORKER_KEY: SECRET }, /^klayworker: the private key from KLAYWORKER_KEY is malformed/],
  ] as [NodeJS.ProcessEnv, RegExp][])('%j: one line naming the variable, exit 2, the key never echoed', (env, pattern) => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI], { encoding: 'utf8', stdio: 'pipe', timeout: 20_000, env: { ...process.env, KLAYWORKER_KEY: '', ...env } });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr.trim()).toMatch(pattern);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toContain(SECRET.slice(2, 40));
  });
});

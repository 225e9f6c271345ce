/**
 * --processes N: N worker processes, each its own Locust worker (own node id, own accounts,
 * an exact share of --max-rps), sharing one embedded dev chain whose key never shows in argv,
 * and dying with their parent however it dies.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { childPlans, perProcessPath, splitEvenly } from '../../src/app/processes.js';
import { flagDefaults, withoutFlags, withoutPerChildFlags } from '../../src/cli/flags.js';
import { parseOptions, type RawOptions } from '../../src/cli/options.js';
import { builtInTestCases } from '../../testcases/registry.js';
import { type FakeRpcServer, replyJson, startFakeRpcServer } from '../support/fake-rpc-server.js';
import { MockMaster, type Received } from '../support/mock-master.js';
import { CLI, killStarted, type Proc, startProcess } from '../support/processes.js';

const RAW: RawOptions = { ...flagDefaults('run'), tc: 'blockNumber' };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  killStarted();
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pids the parent logged for its worker processes (--log-format json). */
function childPids(output: string): number[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"worker process started"'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);
}

async function blockNumberNode(): Promise<FakeRpcServer> {
  const server = await startFakeRpcServer((req, res) => replyJson(res, `{"jsonrpc":"2.0","id":${JSON.stringify(req.id)},"result":"0x10"}`));
  cleanup.push(() => server.close());
  return server;
}

describe('splitting the work', () => {
  it.each([
    [10, 3, [4, 3, 3]],
    [10, 2, [5, 5]],
    [0, 4, [0, 0, 0, 0]],
    [7, 7, [1, 1, 1, 1, 1, 1, 1]],
  ])('splitEvenly(%i, %i) → %j', (total, parts, expected) => {
    expect(splitEvenly(total, parts)).toEqual(expected);
  });

  it('always adds up to the total, shares at most one apart', () => {
    for (let total = 0; total < 500; total += 7) {
      for (let parts = 1; parts <= 9; parts++) {
        const shares = splitEvenly(total, parts);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives each child the parent argv minus --processes, with its own seed, rps share, files and metrics port', () => {
    const argv = [
      '--tc',
      'blockNumber',
      '--processes',
      '3',
      '--max-rps=10',
      '--account-seed',
      'run7',
      '--json',
      'out/sum.json',
      '--csv',
      'out/run',
      '--metrics-port',
      '9400',
      '--endpoint',
      'http://n:8545',
    ];
    const options = parseOptions(
      { ...RAW, processes: '3', maxRps: '10', accountSeed: 'run7', json: 'out/sum.json', csv: 'out/run', metricsPort: '9400', endpoint: 'http://n:8545' },
      builtInTestCases,
      {},
    );
    const plans = childPlans(withoutPerChildFlags(argv), options, 'http://n:8545');
    expect(plans.map((p) => p.argv)).toEqual(
      [0, 1, 2].map((i) => [
        '--tc',
        'blockNumber',
        '--endpoint',
        'http://n:8545',
        '--account-seed',
        `run7-${i}`,
        '--max-rps',
        String([4, 3, 3][i]),
        '--json',
        `out/sum-${i}.json`,
        '--csv',
        `out/run-${i}`,
        '--metrics-port',
        `0.0.0.0:${9400 + i}`,
      ]),
    );
  });

  it('splits --request-increase-rate steps too, and points the children at the dev chain', () => {
    const options = parseOptions({ ...RAW, processes: '2', requestIncreaseRate: '5/2s' }, builtInTestCases, {});
    const [first, second] = childPlans(
      withoutPerChildFlags(['--tc', 'blockNumber', '--processes', '2', '--request-increase-rate', '5/2s']),
      options,
      'http://127.0.0.1:9',
    );
    expect(first!.argv).toEqual([
      '--tc',
      'blockNumber',
      '--account-seed',
      'klayworker-0',
      '--max-rps',
      '0',
      '--request-increase-rate',
      '3/2000ms',
      '--endpoint',
      'http://127.0.0.1:9',
    ]);
    expect(second!.argv).toContain('2/2000ms');
  });

  it('removes flags in both spellings and keeps everything else', () => {
    expect(withoutFlags(['-u', '3', '--max-rps', '5', '--max-rps=6', '--tc', 'x'], ['--max-rps'])).toEqual(['-u', '3', '--tc', 'x']);
    expect(perProcessPath('a.b/summary.json', 2)).toBe('a.b/summary-2.json');
    expect(perProcessPath('a.b/run', 2)).toBe('a.b/run-2');
  });

  it.each([
    [{ standalone: true, processes: '2' }, /--processes applies only with a master/],
    [{ processes: '3', maxRps: '2' }, /--max-rps 2 cannot be split over 3 processes/],
    [{ processes: '4', requestIncreaseRate: '3/1s' }, /step of 3 cannot be split over 4 processes/],
    [{ processes: '0' }, /--processes: expected a whole number from 1/],
  ] as [Partial<RawOptions>, RegExp][])('refuses %j with one line', (extra, message) => {
    expect(() => parseOptions({ ...RAW, ...extra }, builtInTestCases, {})).toThrow(message);
  });
});

describe('bad --processes and --metrics-port values on the command line', () => {
  it.each([
    [['--processes', 'two'], /--processes/],
    [['--processes', '1000'], /--processes/],
    [['--processes', '2', '--standalone'], /--processes applies only with a master/],
    [['--processes', '2', '--max-rps', '1'], /--max-rps 1 cannot be split over 2 processes/],
    [['--metrics-port', 'x'], /--metrics-port/],
    [['--metrics-port', '70000'], /--metrics-port/],
    [['--metrics-port', 'a b:9400'], /--metrics-port/],
    [['--processes', '3', '--metrics-port', '65534'], /--metrics-port: ports 65534 to 65536/],
  ])('%j → one line naming the flag, exit 2', (args, message) => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, '--tc', 'blockNumber', ...args], { encoding: 'utf8', stdio: 'pipe', timeout: 20_000 });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

/**
 * A `--processes 2` parent under a mock master (against a fake node unless `args` name one),
 * once both children said client_ready. `args` come after the master port.
 */
async function twoChildren(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; node?: boolean; timeoutMs?: number } = {},
): Promise<{ master: MockMaster; parent: Proc; workers: string[] }> {
  const endpoint = options.node === false ? [] : ['--endpoint', (await blockNumberNode()).url];
  const master = await MockMaster.start();
  cleanup.push(() => master.close());
  const parent = startProcess(process.execPath, [CLI, '--tc', 'blockNumber', ...endpoint, '--master-port', String(master.port), ...args], { env: options.env });
  const workers = () => [...new Set(master.ofType('client_ready').map((m) => m.identity))];
  await until('two client_ready', () => workers().length === 2, options.timeoutMs ?? 30_000);
  return { master, parent, workers: workers() };
}

describe('--processes 2 under a master', () => {
  it('registers two workers with their own node ids, each capped at its share of --max-rps', async () => {
    const { master, parent, workers } = await twoChildren(['--processes', '2', '--max-rps', '10']);
    for (const id of workers) {
      await master.send(id, 'ack', { index: 0 });
      await master.spawnUsers(id, 20);
    }
    const mark = master.received.length;
    await new Promise((r) => setTimeout(r, 4_500));
    for (const id of workers) await master.send(id, 'stop', null);
    await until('both stopped', () => master.ofType('client_stopped', mark).length === 2, 10_000);
    const requests = (m: Received) => (m.data as { stats_total: { num_requests: number } }).stats_total.num_requests;
    const byWorker = workers.map((id) =>
      master
        .ofType('stats')
        .filter((m) => m.identity === id)
        .reduce((a, m) => a + requests(m), 0),
    );
    // 5 per second each (10 split over 2), ~5 s of spawning and running.
    for (const n of byWorker) {
      expect(n).toBeGreaterThanOrEqual(15);
      expect(n).toBeLessThanOrEqual(5 * 6);
    }
    for (const id of workers) await master.send(id, 'quit', null);
    expect(await parent.exited(15_000)).toBe(0);
  }, 60_000);

  it('children die with their parent, even when it is killed with SIGKILL', async () => {
    const { parent } = await twoChildren(['--processes', '2', '--log-format', 'json']);
    const pids = childPids(parent.output());
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    parent.kill('SIGKILL');
    await until('both children to exit', () => !pids.some(alive), 10_000);
  }, 60_000);

  it('a SIGTERM to the parent reaches every child: each quits its master, and the parent exits 0', async () => {
    const { master, parent } = await twoChildren(['--processes', '2']);
    parent.kill('SIGTERM');
    expect(await parent.exited(15_000)).toBe(0);
    expect(new Set(master.ofType('quit').map((m) => m.identity)).size).toBe(2);
  }, 60_000);

  it("a user's key given as the Go tools do (-key) reaches the children in their environment, never in argv", async () => {
    const key = '0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63';
    // The Go tools' spelling throughout: -tc and -endpoint as well (twoChildren's own flags
    // are klayworker's; the key is what this test is about).
    const { parent } = await twoChildren(['-key', key], { env: { KLAYWORKER_PROCESSES: '2', KLAYWORKER_LOG_FORMAT: 'json' } });
    const pids = childPids(parent.output());
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(key.slice(2));
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`KLAYWORKER_KEY=${key}`);
    }
    parent.kill('SIGTERM');
    expect(await parent.exited(20_000)).toBe(0);
  }, 60_000);

  it('starts one dev chain for all children and passes its key in the environment, never in argv', async () => {
    const { parent } = await twoChildren(['--processes', '2', '--log-format', 'json'], { node: false, timeoutMs: 60_000 });
    expect(parent.output().match(/started an embedded anvil dev chain/g)).toHaveLength(1);
    const [endpoint] = parent.output().match(/http:\/\/127\.0\.0\.1:\d+/) ?? [];
    const pids = childPids(parent.output());
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain(endpoint);
      // anvil's first dev key, which the children get through KLAYWORKER_KEY.
      expect(argv.join(' ')).not.toMatch(/ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80/i);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toMatch(/KLAYWORKER_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80/i);
    }
    parent.kill('SIGTERM');
    expect(await parent.exited(20_000)).toBe(0);
    await expect(fetch(endpoint!, { method: 'POST', body: '{}' })).rejects.toThrow();
  }, 90_000);
});

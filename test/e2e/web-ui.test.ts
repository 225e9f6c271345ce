/**
 * The real Locust 2.12.1 web UI, driven in headless Chromium the way a person uses it, with two
 * klayworkers against a real anvil node: the UI must show them running their share of the users
 * (with live RPS, CPU and memory), take them back to ready on STOP, and the master's totals must
 * equal what the workers say they sent. Screenshots go to test-results/ for a human to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { CHROMIUM, type HeadlessBrowser, openHeadlessBrowser } from '../support/browser.js';
import { masterWorkerArgv } from '../support/cli-argv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { HAVE_LOCUST, LOCUST_MISSING, MASTER_CRASH, startWebMaster } from '../support/locust.js';
import { LocustWebUi, parseFormattedBytes, parsePercent, type TableRow } from '../support/locust-web-ui.js';
import { eventually, freePort, killStarted, type Proc, REPO_ROOT, startProcess, withDeadline } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';

const haveChromium = existsSync(CHROMIUM);
const CHROMIUM_MISSING = `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
const ARTIFACTS = join(REPO_ROOT, 'test-results');
const USERS = 20;
const SPAWN_RATE = 10;

interface WorkerSummary {
  users: number;
  total: { requests: number; failures: number };
}

interface MasterStats {
  stats: { name: string; num_requests: number; num_failures: number }[];
}

const dev = useBareDevChain(HAVE_LOCUST && haveChromium);
let browser: HeadlessBrowser | null = null;

// Registered after the fixture's, so it runs before it (after hooks run in reverse): the
// browser closes before the processes are killed.
afterEach(async () => {
  const open = browser;
  browser = null;
  try {
    if (open) await withDeadline(open.close(), 15_000, () => 'Chromium did not close within 15 s');
  } finally {
    killStarted();
  }
});

function startWorker(masterPort: number, jsonFile: string): Proc {
  // The rate cap keeps two workers from saturating this two-core machine (and the browser).
  return startProcess(
    process.execPath,
    masterWorkerArgv({ tc: 'blockNumber', endpoint: dev.chain.url, masterPort }, '--json', jsonFile, '--log-format', 'json', '--max-rps', '300'),
  );
}

/** Polls a read of the page until `ok`; on timeout the error shows what the page last showed. */
async function untilShown<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  let last: T | undefined;
  try {
    return await eventually(
      async () => {
        last = await read();
        return ok(last) ? last : undefined;
      },
      timeoutMs,
      what,
      500,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; the page last showed ${JSON.stringify(last)}`, { cause: err });
  }
}

/** Resident set size of a process we started, as the kernel sees it. */
function rssBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) * 1024;
}

const blockNumberRow = (rows: TableRow[]) => rows.find((r) => r.Name === 'blockNumber');

describe('the Locust 2.12.1 web UI in headless Chromium', () => {
  it('starts 20 users on two klayworkers, shows them running, stops them, and the totals match', async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    requireOrSkip(ctx, haveChromium, CHROMIUM_MISSING);
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-web-ui-'));
    const [port, webPort] = [await freePort(), await freePort()];
    const { proc: master, web } = startWebMaster(port, webPort);
    const w1 = startWorker(port, join(dir, 'w1.json'));
    const w2 = startWorker(port, join(dir, 'w2.json'));
    await master.waitForOutput(/Starting web interface/, 30_000);

    browser = await openHeadlessBrowser();
    const ui = new LocustWebUi(browser.page);
    await ui.open(web);
    await untilShown(
      () => ui.topBar('workerCount'),
      (n) => n === '2',
      30_000,
      'the top bar to show 2 workers',
    );

    await ui.startSwarm(USERS, SPAWN_RATE);
    const running = await untilShown(
      () => ui.statisticsRows(),
      (rows) => Number(blockNumberRow(rows)?.['Current RPS']) > 0,
      45_000,
      'the blockNumber row with a positive Current RPS',
    );
    const row = blockNumberRow(running)!;
    expect(row.Type).toBe('eth_blockNumber');
    expect(Number(row['# Requests'])).toBeGreaterThan(0);
    expect(row['# Fails']).toBe('0');
    await browser.page.screenshot({ path: join(ARTIFACTS, 'web-ui-running-statistics.png'), fullPage: true });

    await ui.showTab('Workers');
    const workers = await untilShown(
      () => ui.workerRows(),
      (rows) =>
        rows.length === 2 &&
        rows.every(
          (r) =>
            r.State === 'running' &&
            r['# users'] === String(USERS / 2) &&
            parsePercent(r['CPU usage'] ?? '') > 0 &&
            parseFormattedBytes(r['Memory usage'] ?? '') > 0,
        ),
      30_000,
      `two klayworkers running ${USERS / 2} users each with non-zero CPU and memory`,
    );
    // The memory shown must be the workers' real footprint, not just any non-zero number.
    const actual = [rssBytes(w1.child.pid!), rssBytes(w2.child.pid!)];
    for (const r of workers) {
      const shown = parseFormattedBytes(r['Memory usage']!);
      expect(
        actual.some((rss) => shown > rss / 2 && shown < rss * 2),
        `${r['Memory usage']} vs RSS ${actual.join(', ')} bytes`,
      ).toBe(true);
    }
    expect(await ui.topBar('status_text')).toBe('running');
    expect(await ui.topBar('userCount')).toBe(String(USERS));
    await browser.page.screenshot({ path: join(ARTIFACTS, 'web-ui-running.png'), fullPage: true });

    await ui.stop();
    await untilShown(
      () => ui.workerRows(),
      (rows) => rows.length === 2 && rows.every((r) => r.State === 'ready' && r['# users'] === '0'),
      30_000,
      'both klayworkers back to ready with 0 users after STOP',
    );
    await untilShown(
      () => ui.topBar('status_text'),
      (s) => s === 'stopped',
      10_000,
      'the top bar to say stopped',
    );
    await browser.page.screenshot({ path: join(ARTIFACTS, 'web-ui-stopped.png'), fullPage: true });

    // /stats/requests is cached for 2 s and late reports still count: wait until two reads
    // 2.5 s apart agree.
    const aggregated = async () => {
      const s = (await (await fetch(`${web}/stats/requests`)).json()) as MasterStats;
      return s.stats.find((r) => r.name === 'Aggregated')!;
    };
    let previous = -1;
    const settled = await eventually(
      async () => {
        const total = await aggregated();
        const stable = total.num_requests === previous ? total : undefined;
        previous = total.num_requests;
        return stable;
      },
      20_000,
      'the master numbers to settle',
      2_500,
    );

    // The page shows the same settled total the JSON has.
    await ui.showTab('Statistics');
    await untilShown(
      () => ui.statisticsRows(),
      (rows) => rows.find((r) => r.Name === 'Aggregated')?.['# Requests'] === String(settled.num_requests),
      10_000,
      `the Aggregated row to show ${settled.num_requests} requests`,
    );

    // SIGTERM makes the master send quit; the workers then exit 0 and write their --json.
    master.kill('SIGTERM');
    expect(await w1.exited(15_000)).toBe(0);
    expect(await w2.exited(15_000)).toBe(0);
    await master.exited(15_000);
    expect(master.output()).not.toMatch(MASTER_CRASH);

    const [s1, s2] = [join(dir, 'w1.json'), join(dir, 'w2.json')].map((f) => JSON.parse(readFileSync(f, 'utf8')) as WorkerSummary) as [
      WorkerSummary,
      WorkerSummary,
    ];
    expect([s1.users, s2.users]).toEqual([USERS / 2, USERS / 2]);
    expect(s1.total.requests).toBeGreaterThan(0);
    expect(s2.total.requests).toBeGreaterThan(0);
    expect(settled.num_requests).toBe(s1.total.requests + s2.total.requests);
    expect(settled.num_failures).toBe(0);
    expect(s1.total.failures + s2.total.failures).toBe(0);
  }, 150_000);
});

/**
 * The end-of-run reports of a real standalone run (embedded anvil): the stats history and
 * exceptions CSVs against the files a real Locust 2.12.1 writes, and the --html report opened
 * in headless Chromium: its charts drawn, its tables equal to the --json summary, not one
 * network request, and user text shown as text. A screenshot goes to test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { renderHtmlReport } from '../../src/stats/html-report.js';
import type { SummaryJson } from '../../src/stats/summary-json.js';
import { CHROMIUM, type HeadlessBrowser, openHeadlessBrowser } from '../support/browser.js';
import { DUMMY, HAVE_LOCUST, LOCUST_MISSING } from '../support/locust.js';
import { CLI, killStarted, LOCUST, startProcess, withDeadline } from '../support/processes.js';
import { requireOrSkip } from '../support/require-tool.js';

const haveChromium = existsSync(CHROMIUM);
const CHROMIUM_MISSING = `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
const ARTIFACTS = join(new URL('../..', import.meta.url).pathname, 'test-results');
const RUN_S = 5;

const dir = mkdtempSync(join(tmpdir(), 'klayworker-reports-'));
const ours = join(dir, 'kw');
let exitCode: number | string | null = null;
let browser: HeadlessBrowser | null = null;

beforeAll(async () => {
  // One run for every test here: 3 users for 5 s, capped so the machine stays responsive.
  const run = startProcess(process.execPath, [
    CLI,
    '--standalone',
    ...['-u', '3', '-r', '3', '-t', `${RUN_S}s`, '--tc', 'blockNumber', '--max-rps', '200'],
    ...['--csv', ours, '--csv-full-history', '--html', `${ours}.html`, '--json', `${ours}.json`, '--log-format', 'json'],
  ]);
  exitCode = await run.exited(120_000);
  if (exitCode !== 0) throw new Error(`klayworker exited ${exitCode}: ${run.output().slice(-2000)}`);
}, 150_000);
afterEach(async () => {
  const open = browser;
  browser = null;
  if (open) await withDeadline(open.close(), 15_000, () => 'Chromium did not close within 15 s');
});
afterAll(() => killStarted());

const lines = (file: string) => readFileSync(file, 'utf8').split('\r\n').slice(0, -1);

describe('the stats history and exceptions CSVs', () => {
  it('have the header and empty first row a real Locust 2.12.1 writes, then a row a second', async (ctx) => {
    requireOrSkip(ctx, HAVE_LOCUST, LOCUST_MISSING);
    const locust = join(dir, 'locust');
    const proc = startProcess(LOCUST, ['-f', DUMMY, '--headless', '-u', '1', '-r', '1', '-t', '2s', '--csv', locust, '--csv-full-history']);
    expect(await proc.exited(60_000), proc.output()).toBe(0);

    // Locust 2.12.1 flushes its history every 10 s and never at exit: a short run leaves the
    // header and the row written before its first flush, which is all there is to compare.
    const theirs = readFileSync(`${locust}_stats_history.csv`, 'utf8');
    const mine = readFileSync(`${ours}_stats_history.csv`, 'utf8');
    const [theirHeader, theirFirst] = theirs.split('\r\n');
    const [myHeader, myFirst] = mine.split('\r\n');
    expect(myHeader).toBe(theirHeader);
    // Taken before any user started: the same empty Aggregated row but for the time.
    expect(myFirst!.replace(/^\d+,/, 'T,')).toBe(theirFirst!.replace(/^\d+,/, 'T,'));
    // No test case threw: only the header, as Locust's file with no exception.
    expect(readFileSync(`${ours}_exceptions.csv`, 'utf8')).toBe(readFileSync(`${locust}_exceptions.csv`, 'utf8'));

    const header = myHeader!.split(',');
    const rows = lines(`${ours}_stats_history.csv`)
      .slice(1)
      .map((l) => l.split(','));
    const aggregated = rows.filter((r) => r[3] === 'Aggregated');
    const times = aggregated.map((r) => Number(r[0]));
    // A row each second: strictly rising, no second skipped, for about the run's length.
    expect(times.every((t, i) => i === 0 || t === times[i - 1]! + 1)).toBe(true);
    expect(times.length).toBeGreaterThanOrEqual(RUN_S);
    // --csv-full-history: the test case's row precedes each Aggregated row once it has requests.
    const named = rows.filter((r) => r[2] === 'eth_blockNumber' && r[3] === 'blockNumber');
    expect(named.length).toBeGreaterThanOrEqual(RUN_S - 1);
    const count = header.indexOf('Total Request Count');
    const summary = JSON.parse(readFileSync(`${ours}.json`, 'utf8')) as SummaryJson;
    const last = Number(aggregated.at(-1)![count]);
    expect(last).toBeGreaterThan(0);
    expect(last).toBeLessThanOrEqual(summary.total.requests);
  });
});

/**
 * The page and every fetch it tried: requests other than the document itself, and loads its
 * own Content Security Policy refused (Chromium reports those on the console, not as requests).
 */
async function open(url: string): Promise<{ page: Page; requests: string[] }> {
  browser = await openHeadlessBrowser();
  const requests: string[] = [];
  browser.page.context().on('request', (r) => requests.push(r.url()));
  browser.page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) requests.push(m.text());
  });
  await browser.page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return { page: browser.page, requests: requests.filter((u) => u !== url) };
}

describe('the --html report in headless Chromium', () => {
  it('draws its charts, lists the --json summary rows, and fetches nothing', async (ctx) => {
    requireOrSkip(ctx, haveChromium, CHROMIUM_MISSING);
    const { page, requests } = await open(pathToFileURL(`${ours}.html`).href);

    const series = await page.$$eval('path.series', (paths) =>
      // The test's types have no DOM lib: the two SVG methods the check needs, typed here.
      paths.map((p) => {
        const path = p as unknown as { getAttribute(n: string): string | null; getTotalLength(): number; getBBox(): { height: number } };
        return { key: path.getAttribute('data-series') ?? '', length: path.getTotalLength(), height: path.getBBox().height };
      }),
    );
    expect(series.map((s) => s.key)).toEqual(['rps', 'failures', 'p50', 'p95', 'users']);
    for (const s of series) expect(s.length, s.key).toBeGreaterThan(0);
    // The rate and the user count rise from 0: their lines are not flat.
    expect(series.find((s) => s.key === 'rps')!.height).toBeGreaterThan(0);
    expect(series.find((s) => s.key === 'users')!.height).toBeGreaterThan(0);

    const summary = JSON.parse(readFileSync(`${ours}.json`, 'utf8')) as SummaryJson;
    const table = await Promise.all((await page.locator('#stats tbody tr').all()).map((tr) => tr.locator('td').allTextContents()));
    const expected = [...summary.tasks, summary.total].map((r) => [r.type, r.name, String(r.requests), `${r.failures} (`]);
    expect(table.map((cells) => [cells[0], cells[1], cells[2], cells[3]!.slice(0, cells[3]!.indexOf('(') + 1)])).toEqual(expected);
    expect(await page.$('#no-failures')).not.toBeNull();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    expect(requests).toEqual([]);
  });

  it('shows test-case names and error messages as text, never as markup', async (ctx) => {
    requireOrSkip(ctx, haveChromium, CHROMIUM_MISSING);
    const name = `<img src="http://127.0.0.1:9/x" onerror="document.title='pwned'">&amp;`;
    const error = `execution reverted: "<script>document.title='pwned'</script>"`;
    const row = { type: 'rpc', name, requests: 2, failures: 1, median_ms: 1, p95_ms: 2, p99_ms: 2, avg_ms: 1.5, min_ms: 1, max_ms: 2, rps: 1 };
    const file = join(dir, 'hostile.html');
    writeFileSync(
      file,
      renderHtmlReport({
        startedAt: 0,
        endedAt: 2000,
        durationS: 2,
        peakUsers: 1,
        mode: 'standalone',
        rows: [row],
        total: { ...row, type: '', name: 'Aggregated' },
        errors: [{ key: 'k', method: 'rpc', name, error, occurrences: 1 }],
        points: [
          { time: 1, users: 1, rps: 0, failuresPerSecond: 0, p50: 0, p95: 0 },
          { time: 2, users: 1, rps: 1, failuresPerSecond: 1, p50: 1, p95: 2 },
        ],
        transactions: { accepted: 0, mined: 0, dropped: 0, unresolved: 0, resent: 0 },
      }),
    );
    const { page, requests } = await open(pathToFileURL(file).href);
    expect(await page.locator('#stats tbody tr td:nth-child(2)').first().textContent()).toBe(name);
    expect(await page.locator('#failures tbody tr td:nth-child(4)').textContent()).toBe(error);
    expect(await page.$$('img, script')).toHaveLength(0);
    expect(await page.title()).not.toContain('pwned');
    expect(requests).toEqual([]);
  });
});

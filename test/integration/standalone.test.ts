/**
 * The CLI in standalone mode, end to end: the rate asked for is the rate achieved, the summary
 * files agree with each other, and the embedded dev chain comes and goes with the worker.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { standaloneArgv } from '../support/cli-argv.js';
import { parseCsv } from '../support/csv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { startProcess } from '../support/processes.js';

const dev = useBareDevChain();

interface Summary {
  duration_s: number;
  users: number;
  total: { requests: number; failures: number; rps: number };
  tasks: { type: string; name: string; requests: number }[];
}

describe('standalone', () => {
  // 100 users for a 50 rps cap, as a Locust user sizes a run: twice the users the cap can keep
  // busy, so that a node answer delayed by a busy machine leaves users free to take the next
  // second's budget (with 20, one answer stalled past a second cost that second's 50).
  it('--max-rps 50 for 20 s achieves 50 rps within 2%', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-rps-'));
    const worker = startProcess(
      process.execPath,
      standaloneArgv(
        { users: 100, rate: 100, time: '20s', tc: 'blockNumber' },
        '--max-rps',
        '50',
        '--endpoint',
        dev.chain.url,
        '--json',
        join(dir, 'summary.json'),
        '--csv',
        join(dir, 'run'),
      ),
    );
    expect(await worker.exited(60_000)).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.users).toBe(100);
    expect(summary.total.failures).toBe(0);
    // What the cap allows in the run time: 20 budgets of 50. (duration_s also holds the wait for
    // the last in-flight request at the stop, which on a loaded machine can be a second: not a
    // rate the user asked for.)
    const achieved = summary.total.requests / 20;
    // On failure, say which seconds fell short and how slow the node was then.
    const history = parseCsv(readFileSync(join(dir, 'run_stats_history.csv'), 'utf8')).filter((r) => r.Name === 'Aggregated');
    const perSecond = history.map((r, i) => Number(r['Total Request Count']) - Number(history[i - 1]?.['Total Request Count'] ?? 0));
    const why = `${summary.total.requests} requests, duration_s ${summary.duration_s}, per second ${perSecond.join(' ')}, max response ${history.at(-1)?.['Total Max Response Time']} ms`;
    expect(achieved, why).toBeGreaterThanOrEqual(49);
    expect(achieved, why).toBeLessThanOrEqual(50);

    // The CSV tells the same story as the JSON.
    const aggregated = parseCsv(readFileSync(join(dir, 'run_stats.csv'), 'utf8')).find((r) => r.Name === 'Aggregated');
    expect(Number(aggregated?.['Request Count'])).toBe(summary.total.requests);
  }, 90_000);

  it('a test case named twice (by name and by alias) is refused before anything starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-weights-'));
    const worker = startProcess(
      process.execPath,
      standaloneArgv(
        { users: 8, rate: 100, time: '3s', tc: 'blockNumber:3,readBlockNumber:1' },
        '--endpoint',
        dev.chain.url,
        '--json',
        join(dir, 'summary.json'),
      ),
    );
    expect(await worker.exited(30_000)).toBe(2);
    expect(worker.output()).toMatch(/--tc/);
  }, 60_000);

  it('without --endpoint, starts an embedded anvil, uses it, and leaves nothing running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-embedded-'));
    const worker = startProcess(process.execPath, standaloneArgv({ users: 2, rate: 10, time: '3s', tc: 'blockNumber' }, '--json', join(dir, 'summary.json')));
    const [, url] = await worker.waitForOutput(/embedded anvil dev chain[\s\S]*?(http:\/\/127\.0\.0\.1:\d+)/, 30_000);
    expect(await worker.exited(30_000)).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.total.requests).toBeGreaterThan(0);
    expect(summary.total.failures).toBe(0);
    // The chain it used is gone.
    await expect(fetch(url!, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(worker.output()).not.toMatch(/0x[0-9a-fA-F]{64}/);
  }, 60_000);
});

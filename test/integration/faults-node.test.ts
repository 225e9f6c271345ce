/**
 * The node misbehaves in every way a node under load does; the worker turns each fault into a
 * failure with a readable error, keeps running, and recovers when the node does.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { standaloneArgv } from '../support/cli-argv.js';
import { parseCsv } from '../support/csv.js';
import { useBareDevChain } from '../support/dev-chain-fixture.js';
import { type FaultMode, FaultyProxy } from '../support/faulty-proxy.js';
import { eventually, killStarted, startProcess } from '../support/processes.js';

const dev = useBareDevChain();
let proxy: FaultyProxy | null = null;
afterEach(async () => {
  killStarted();
  await proxy?.close();
  proxy = null;
});

interface Summary {
  total: { requests: number; failures: number };
}

/** What each fault must look like in the failures table. */
const EXPECTED_ERROR: Partial<Record<FaultMode, RegExp>> = {
  down: /connection refused|ECONNREFUSED/i,
  slow: /timeout after 500 ms/,
  http500: /HTTP 500/,
  'rpc-error': /JSON-RPC error -32005: limit exceeded/,
  malformed: /malformed JSON-RPC response/,
  reset: /socket|reset|closed|ECONNRESET|other side/i,
};

describe('a faulty node', () => {
  it('each fault is a readable failure; the worker keeps going and recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'klayworker-faults-'));
    proxy = await FaultyProxy.start(dev.chain.url);
    proxy.slowMs = 1_500;
    // Down at start: nothing is listening when the worker begins.
    await proxy.setMode('down');
    const worker = startProcess(
      process.execPath,
      standaloneArgv(
        { users: 4, rate: 100, time: '60s', tc: 'blockNumber' },
        '--max-rps',
        '100',
        '--endpoint',
        proxy.url,
        '--rpc-timeout',
        '500ms',
        '--json',
        join(dir, 'summary.json'),
        '--csv',
        join(dir, 'run'),
      ),
    );
    await worker.waitForOutput(/standalone test started/, 20_000);

    for (const mode of ['down', 'pass', 'slow', 'http500', 'rpc-error', 'malformed', 'reset', 'pass'] as const) {
      const before = proxy.seen.get(mode) ?? 0;
      await proxy.setMode(mode);
      // Stay in each mode until the worker has really met it (down: just a while).
      if (mode === 'down') await new Promise((r) => setTimeout(r, 1_000));
      else await eventually(() => ((proxy!.seen.get(mode) ?? 0) - before >= 20 ? true : undefined), 15_000, `20 requests in mode ${mode}`, 50);
    }
    const passedAtEnd = proxy.seen.get('pass') ?? 0;
    await eventually(() => ((proxy!.seen.get('pass') ?? 0) - passedAtEnd >= 50 ? true : undefined), 15_000, 'recovery after the faults', 50);
    worker.kill('SIGINT');
    expect(await worker.exited(15_000)).toBe(1); // failures happened: exit 1, not a crash

    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.total.failures).toBeGreaterThan(0);
    expect(summary.total.requests).toBeGreaterThan(summary.total.failures);
    const failures = parseCsv(readFileSync(join(dir, 'run_failures.csv'), 'utf8'));
    const errors = failures.map((f) => f.Error ?? '');
    for (const [mode, pattern] of Object.entries(EXPECTED_ERROR)) {
      expect(
        errors.some((e) => pattern.test(e)),
        `a failure for mode ${mode} matching ${pattern}; got ${JSON.stringify(errors)}`,
      ).toBe(true);
    }
    // Every failure row is one line a person can read; no stack traces.
    for (const e of errors) {
      expect(e).not.toMatch(/\n|\s+at\s+\S+\s+\(/);
      expect(e.length).toBeLessThan(300);
    }
    expect(worker.output()).not.toMatch(/\n\s+at .*\.js:\d+/);
  }, 120_000);
});

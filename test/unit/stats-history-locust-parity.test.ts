/**
 * The stats history CSV against Locust 2.12.1's own `_stats_history_data_rows`: the same
 * requests at the same (fake) times go through Debian's python3 running locust.stats and
 * through RequestStats + StatsHistory, sampled on every whole second, and the CSV text must
 * be identical, with and without --csv-full-history (whose percentiles come from Locust's
 * per-second histogram cache). Skipped without that Python unless
 * KLAYWORKER_REQUIRE_INTEGRATION=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { RequestStats } from '../../src/stats/request-stats.js';
import { StatsHistory } from '../../src/stats/stats-history.js';
import { prng } from '../support/prng.js';

const PYTHON = '/usr/bin/python3';
const required = process.env.KLAYWORKER_REQUIRE_INTEGRATION === '1';
const available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import locust.stats'], { timeout: 60_000 }).status === 0;
const withLocust = available || required ? describe : describe.skip;

type Op = { op: 'request'; t: number; type: string; name: string; ms: number; bytes: number; error: string | null } | { op: 'sample'; t: number };

/**
 * About 40 s of requests 60-140 ms apart, round-robin over the (type, name) pairs so that every
 * entry has requests in every second (Locust caches an entry's histogram only when it gets a
 * request; the sampler keeps one every second, so an idle second is where the two may differ),
 * with a sample at every whole second. One name only starts after 15 s.
 */
function run(seed: number): { t0: number; ops: Op[] } {
  const random = prng(seed);
  const t0 = 1_700_000_000_123;
  const pairs = [
    ['rpc', 'eth_blockNumber'],
    ['rpc', 'send, "value"'],
    ['mined', 'valueTransfer'],
  ] as const;
  const ops: Op[] = [];
  let t = t0;
  let nextSample = Math.ceil(t0 / 1000) * 1000;
  for (let i = 0; t < t0 + 40_000; i++) {
    t += 60 + Math.floor(random() * 80);
    while (nextSample <= t) {
      ops.push({ op: 'sample', t: nextSample });
      nextSample += 1000;
    }
    const live = t - t0 > 15_000 ? 3 : 2;
    const [type, name] = pairs[i % live]!;
    const failed = random() < 0.1;
    const ms = random() < 0.5 ? Math.round(random() * 400) : random() * 3000;
    ops.push({ op: 'request', t, type, name, ms, bytes: failed ? 0 : Math.floor(random() * 500), error: failed ? 'nonce too low' : null });
  }
  return { t0, ops };
}

function locustHistory(t0: number, ops: Op[], fullHistory: boolean, users: number): string {
  const script = `
import sys, json, io, csv, types
import locust.stats as ls
data = json.load(sys.stdin)
clock = [data["t0"] / 1000]
ls.time = types.SimpleNamespace(time=lambda: clock[0])
stats = ls.RequestStats(use_response_times_cache=True)
env = types.SimpleNamespace(stats=stats, runner=types.SimpleNamespace(user_count=data["users"]))
writer = ls.StatsCSVFileWriter.__new__(ls.StatsCSVFileWriter)
ls.StatsCSV.__init__(writer, env, ls.PERCENTILES_TO_REPORT)
writer.full_history = data["full"]
buf = io.StringIO()
out = csv.writer(buf)
for op in data["ops"]:
    clock[0] = op["t"] / 1000
    if op["op"] == "sample":
        writer._stats_history_data_rows(out, clock[0])
    else:
        stats.log_request(op["type"], op["name"], float(op["ms"]), op["bytes"])
        if op["error"] is not None:
            stats.log_error(op["type"], op["name"], op["error"])
print(json.dumps(buf.getvalue()))
`;
  const result = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify({ t0, ops, full: fullHistory, users }),
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python exited ${result.status}: ${result.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(result.stdout) as string;
}

function ourHistory(t0: number, ops: Op[], fullHistory: boolean, users: number): string {
  let now = t0;
  const stats = new RequestStats({ now: () => now });
  const history = new StatsHistory({ stats, users: () => users, fullHistory, now: () => now });
  let text = '';
  for (const op of ops) {
    now = op.t;
    if (op.op === 'sample') text += history.sample().csv;
    else if (op.error === null) stats.success(op.type, op.name, op.ms, op.bytes);
    else stats.failure(op.type, op.name, op.ms, op.error);
  }
  return text;
}

withLocust('the stats history CSV against Locust 2.12.1 (python3 running locust.stats)', () => {
  it.each([false, true])('writes the same rows, byte for byte (full history: %s)', (fullHistory) => {
    const { t0, ops } = run(fullHistory ? 11 : 12);
    const expected = locustHistory(t0, ops, fullHistory, 7);
    const ours = ourHistory(t0, ops, fullHistory, 7);
    // The run is long enough for the 10 s window to be in use, and the late name to show up.
    expect(expected.split('\r\n').length).toBeGreaterThan(fullHistory ? 100 : 39);
    expect(ours).toBe(expected);
  });
});

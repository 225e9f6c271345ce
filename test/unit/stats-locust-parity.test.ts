/**
 * Cross-checks against Locust 2.12.1 itself: the same inputs go through Debian's
 * `/usr/bin/python3` running Locust's own stats.py and through our code, and the outputs
 * must agree. Skipped when that Python is missing, unless KLAYWORKER_REQUIRE_INTEGRATION=1,
 * in which case the tests run and fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { responseTimeBucket } from '../../src/stats/bucket.js';
import { PERCENTILES_TO_REPORT, pythonFloat, renderStatsCsv } from '../../src/stats/csv.js';
import { medianFromHistogram, medianResponseTime, responseTimePercentiles } from '../../src/stats/percentile.js';
import { RequestStats } from '../../src/stats/request-stats.js';
import type { StatsReport, WireStatsEntry } from '../../src/stats/types.js';
import { prng } from '../support/prng.js';

const PYTHON = '/usr/bin/python3';
const required = process.env.KLAYWORKER_REQUIRE_INTEGRATION === '1';
const available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import locust.stats'], { timeout: 60_000 }).status === 0;
const withLocust = available || required ? describe : describe.skip;

/** Runs `script` with `input` as JSON on stdin and returns its JSON stdout. */
function python<T>(script: string, input: unknown): T {
  const run = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`python exited ${run.status}: ${run.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(run.stdout) as T;
}

/** The neighbouring doubles of x, where rounding is most fragile. */
function neighbours(x: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const at = (b: bigint) => {
    view.setBigUint64(0, b);
    return view.getFloat64(0);
  };
  return [at(bits - 1n), x, at(bits + 1n)];
}

function responseTimes(random: () => number, count: number): number[] {
  const values: number[] = [];
  for (const tie of [0.5, 2.5, 3.5, 99.5, 145, 155, 1450, 1550, 12500, 13500, 150.5, 1049.9999999999998]) {
    values.push(...neighbours(tie));
  }
  for (let i = 0; i < count; i++) {
    const decade = 10 ** Math.floor(random() * 6 - 1); // 0.1 .. 10000
    const r = random();
    if (i % 4 === 0)
      values.push(Math.round(r * 100 * decade)); // whole ms, many exact ties
    else if (i % 4 === 1)
      values.push((Math.round(r * 1000) / 2) * (decade >= 1 ? decade : 1)); // halves
    else values.push(r * 100 * decade);
  }
  return values;
}

/** A Map-free copy of a report, with the shape the Python side prints. */
function plainEntry(e: WireStatsEntry) {
  const obj = (m: Map<number, number>) => Object.fromEntries([...m].map(([k, v]) => [String(k), v]));
  return { ...e, response_times: obj(e.response_times), num_reqs_per_sec: obj(e.num_reqs_per_sec), num_fail_per_sec: obj(e.num_fail_per_sec) };
}

function plainReport(r: StatsReport) {
  return {
    stats: r.stats.map(plainEntry).sort((a, b) => `${a.name}\0${a.method}`.localeCompare(`${b.name}\0${b.method}`)),
    stats_total: plainEntry(r.stats_total),
    errors: Object.values(r.errors).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

withLocust('parity with Locust 2.12.1 (python3 running locust.stats)', () => {
  it('puts every response time in the same histogram bucket', () => {
    const values = responseTimes(prng(1), 4000);
    const expected = python<number[]>(
      `
import sys, json
from locust.stats import StatsEntry
keys = []
for x in json.load(sys.stdin):
    e = StatsEntry(None, "n", "m")
    e._log_response_time(float(x))
    keys.append(int(next(iter(e.response_times))))
print(json.dumps(keys))
`,
      values,
    );
    const mismatches = values.map((x, i) => ({ x, ours: responseTimeBucket(x), locust: expected[i] })).filter((m) => m.ours !== m.locust);
    expect(mismatches).toEqual([]);
    expect(expected).toHaveLength(values.length);
  });

  it('reads percentiles and medians from a histogram as Locust does', () => {
    const random = prng(2);
    const cases: Array<{ hist: Array<[number, number]>; n: number }> = [
      {
        hist: [
          [10, 5],
          [20, 3],
          [30, 2],
        ],
        n: 10,
      },
      { hist: [[150, 1]], n: 1 },
    ];
    for (let c = 0; c < 200; c++) {
      const hist = new Map<number, number>();
      const buckets = 1 + Math.floor(random() * 30);
      for (let b = 0; b < buckets; b++) {
        const key = responseTimeBucket(random() * 10 ** (random() * 5));
        hist.set(key, (hist.get(key) ?? 0) + 1 + Math.floor(random() * (random() < 0.2 ? 5000 : 20)));
      }
      cases.push({ hist: [...hist], n: [...hist.values()].reduce((a, b) => a + b, 0) });
    }
    const percents = [...PERCENTILES_TO_REPORT, 0, 0.1, 0.333, 0.667];
    const expected = python<Array<{ percentiles: number[]; median: number }>>(
      `
import sys, json
from locust.stats import calculate_response_time_percentile, median_from_dict
data = json.load(sys.stdin)
out = []
for c in data["cases"]:
    hist = {k: v for k, v in c["hist"]}
    out.append({
        "percentiles": [calculate_response_time_percentile(hist, c["n"], p) for p in data["percents"]],
        "median": median_from_dict(c["n"], hist),
    })
print(json.dumps(out))
`,
      { cases, percents },
    );
    const ours = cases.map((c) => {
      const hist = new Map(c.hist);
      return { percentiles: responseTimePercentiles(hist, c.n, percents), median: medianFromHistogram(hist, c.n) };
    });
    expect(ours).toEqual(expected);
  });

  it('prints floats exactly as Python repr()', () => {
    const random = prng(3);
    const values = [0.1, 1e16, 9999999999999998, 1e-5, 0.0001, 5e-324, 1.7976931348623157e308, 123456.789, -0.5];
    for (let i = 0; i < 3000; i++) values.push((random() - 0.2) * 10 ** Math.floor(random() * 44 - 22));
    const expected = python<string[]>('import sys, json\nprint(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))', values);
    expect(values.map(pythonFloat)).toEqual(expected);
  });

  it('produces the same stats reports, summary numbers and stats CSV for the same run', () => {
    const random = prng(4);
    const t0 = 1_700_000_000_123;
    const names = ['eth_blockNumber', 'eth_call', 'send, "value"'];
    const types = ['rpc', 'ws'];
    const errors = ['timeout', 'nonce too low', 'execution reverted: "x", y'];
    const times = responseTimes(random, 600);
    type Op = { op: 'request'; t: number; type: string; name: string; ms: number; bytes: number; error: string | null } | { op: 'report'; t: number };
    const ops: Op[] = [];
    let t = t0;
    let nextReport = t0 + 3000;
    for (const ms of times) {
      t += Math.floor(random() * 150);
      if (t >= nextReport) {
        ops.push({ op: 'report', t: nextReport });
        nextReport += 3000 + Math.floor(random() * 50);
      }
      // One name only shows up late, so a window and the run both see entries come and go.
      const name = names[Math.floor(random() * (t - t0 > 20_000 ? 3 : 2))] ?? '';
      const failed = random() < 0.15;
      ops.push({
        op: 'request',
        t,
        type: types[Math.floor(random() * 2)] ?? '',
        name,
        ms,
        bytes: failed ? 0 : Math.floor(random() * 5000),
        error: failed ? (errors[Math.floor(random() * 3)] ?? '') : null,
      });
    }
    ops.push({ op: 'report', t: t + 500 });
    const end = t + 700;

    const locust = python<{
      reports: unknown[];
      summary: Array<{ method: string; name: string; median: number; p95: number; p99: number; avg: number; current_rps: number }>;
      csv: string;
    }>(
      `
import sys, json, io, csv, types, ast
import locust.stats as ls
from locust.event import Events
data = json.load(sys.stdin)
clock = [data["t0"] / 1000]
ls.time = types.SimpleNamespace(time=lambda: clock[0])
window = ls.RequestStats(use_response_times_cache=False)
run = ls.RequestStats(use_response_times_cache=False)
events = Events()
ls.setup_distributed_stats_event_listeners(events, window)

def plain(e):
    e = dict(e)
    for k in ("response_times", "num_reqs_per_sec", "num_fail_per_sec"):
        e[k] = {str(int(key)): v for key, v in e[k].items()}
    if e["method"] is None:
        e["method"] = ""
    return e

reports = []
for op in data["ops"]:
    clock[0] = op["t"] / 1000
    if op["op"] == "report":
        d = {}
        events.report_to_master.fire(client_id="w", data=d)
        reports.append({
            "stats": sorted((plain(e) for e in d["stats"]), key=lambda e: (e["name"], e["method"])),
            "stats_total": plain(d["stats_total"]),
            "errors": [dict(e, error=ast.literal_eval(e["error"])) for e in d["errors"].values()],
        })
    else:
        for s in (window, run):
            # Locust measures response times as floats; JSON would hand whole ones over as ints.
            s.log_request(op["type"], op["name"], float(op["ms"]), op["bytes"])
            if op["error"] is not None:
                s.log_error(op["type"], op["name"], op["error"])

clock[0] = data["end"] / 1000
summary = []
for e in list(run.entries.values()) + [run.total]:
    summary.append({
        "method": e.method or "", "name": e.name,
        "median": e.median_response_time,
        "p95": e.get_response_time_percentile(0.95), "p99": e.get_response_time_percentile(0.99),
        "avg": e.avg_response_time, "current_rps": e.current_rps,
    })
buf = io.StringIO()
ls.StatsCSV(types.SimpleNamespace(stats=run), ls.PERCENTILES_TO_REPORT).requests_csv(csv.writer(buf))
print(json.dumps({"reports": reports, "summary": summary, "csv": buf.getvalue()}))
`,
      { t0, ops, end },
    );

    let now = t0;
    const stats = new RequestStats({ now: () => now });
    const reports: unknown[] = [];
    for (const op of ops) {
      now = op.t;
      if (op.op === 'report') reports.push(plainReport(stats.takeReport()));
      else if (op.error === null) stats.success(op.type, op.name, op.ms, op.bytes);
      else stats.failure(op.type, op.name, op.ms, op.error);
    }
    now = end;

    // Python sorts errors by nothing in particular; compare them as sorted lists.
    const sortErrors = (list: unknown[]) =>
      list.map((r) => {
        const report = r as { errors: unknown[] };
        return { ...report, errors: [...report.errors].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
      });
    expect(reports.length).toBeGreaterThan(5);
    expect(sortErrors(reports)).toEqual(sortErrors(locust.reports));

    const { rows, total } = stats.summary(1);
    const ours = [...rows, total].map((r) => ({
      method: r.type,
      name: r.name,
      median: r.median_ms,
      p95: r.p95_ms,
      p99: r.p99_ms,
      avg: r.avg_ms,
      current_rps: r.current_rps,
    }));
    const key = (r: { method: string; name: string }) => `${r.method}\0${r.name}`;
    expect(new Map(ours.map((r) => [key(r), r]))).toEqual(new Map(locust.summary.map((r) => [key(r), r])));

    // Cells match as text, except that Python may print a median bucket of 100 as 100 or
    // 100.0 depending on which sample created it; that one column is compared as a number.
    const split = (text: string) => text.split('\r\n').map((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    const ourCsv = split(renderStatsCsv(stats.snapshot()));
    const locustCsv = split(locust.csv);
    expect(ourCsv.map((row) => row.filter((_, i) => i !== 4))).toEqual(locustCsv.map((row) => row.filter((_, i) => i !== 4)));
    expect(ourCsv.map((row) => Number(row[4]))).toEqual(locustCsv.map((row) => Number(row[4])));
  });

  it('clamps the median to min and max as Locust does', () => {
    const cases: Array<[number[], number, number]> = [
      [[147.3], 147.3, 147.3],
      [[144.6], 144.6, 144.6],
      [[1, 2, 1000.4], 1, 1000.4],
    ];
    const expected = python<number[]>(
      `
import sys, json
from locust.stats import StatsEntry
out = []
for times, _, _ in json.load(sys.stdin):
    e = StatsEntry(None, "n", "m")
    for x in times:
        e.log(float(x), 0)
    out.append(e.median_response_time)
print(json.dumps(out))
`,
      cases,
    );
    expect(
      cases.map(([times, min, max]) => {
        const hist = new Map<number, number>();
        for (const x of times) hist.set(responseTimeBucket(x), (hist.get(responseTimeBucket(x)) ?? 0) + 1);
        return medianResponseTime(hist, times.length, min, max);
      }),
    ).toEqual(expected);
  });
});

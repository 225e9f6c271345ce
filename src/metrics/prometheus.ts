/**
 * `--metrics-port`: Prometheus metrics over HTTP (`GET /metrics`, text format, prom-client):
 * requests, failures and response times per test case, users per test case, the rps cap and
 * the worker's state, plus prom-client's default process metrics (CPU, memory, event loop lag).
 *
 * A sample costs the hot path a map lookup and a few additions (`MetricsRecorder`): prom-client's
 * own observe() costs about 1.2 µs a call, 5% of a core at 40,000 requests a second. The
 * tallies become Prometheus series only when scraped. Counters count over the life of the
 * process, as Prometheus expects; a run's --json covers its last test only, so the two agree
 * exactly for a process that ran one test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { collectDefaultMetrics, Counter, Gauge, type Histogram, Registry } from 'prom-client';

import type { BatchRecorder } from '../stats/recorder.js';
import { errorMessage } from '../util/errors.js';

/** Upper bounds of the response-time histogram, in seconds (Prometheus's le labels). */
export const RESPONSE_TIME_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;
const BOUNDS_MS = RESPONSE_TIME_BUCKETS_S.map((s) => s * 1000);

/** What was recorded for one (type, name): the same key as a stats row. */
class Series {
  requests = 0;
  failures = 0;
  sumMs = 0;
  /** Samples per bucket (not cumulative); the last one is above every bound (+Inf). */
  readonly buckets = new Float64Array(BOUNDS_MS.length + 1);

  constructor(
    readonly type: string,
    readonly name: string,
  ) {}

  observe(ms: number): void {
    this.requests++;
    this.sumMs += ms;
    let i = 0;
    while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]!) i++;
    this.buckets[i]!++;
  }
}

/**
 * Passes every sample on to the stats recorder, and tallies it for /metrics. Counted only
 * after the stats took it, so the two never disagree about a sample the stats refused.
 */
export class MetricsRecorder implements BatchRecorder {
  readonly #inner: BatchRecorder;
  readonly #series = new Map<string, Map<string, Series>>();

  constructor(inner: BatchRecorder) {
    this.#inner = inner;
  }

  success(type: string, name: string, responseTimeMs: number, contentLength: number): void {
    this.#inner.success(type, name, responseTimeMs, contentLength);
    this.#seriesOf(type, name).observe(responseTimeMs);
  }

  successes(type: string, name: string, responseTimesMs: readonly number[]): void {
    this.#inner.successes(type, name, responseTimesMs);
    const series = this.#seriesOf(type, name);
    // An index loop: see StatsEntry.logRequests.
    for (let i = 0; i < responseTimesMs.length; i++) series.observe(responseTimesMs[i]!);
  }

  failure(type: string, name: string, responseTimeMs: number, error: string): void {
    this.#inner.failure(type, name, responseTimeMs, error);
    const series = this.#seriesOf(type, name);
    series.observe(responseTimeMs);
    series.failures++;
  }

  /** Every series so far. */
  *series(): IterableIterator<Series> {
    for (const byName of this.#series.values()) yield* byName.values();
  }

  #seriesOf(type: string, name: string): Series {
    let byName = this.#series.get(type);
    if (byName === undefined) {
      byName = new Map();
      this.#series.set(type, byName);
    }
    let series = byName.get(name);
    if (series === undefined) {
      series = new Series(type, name);
      byName.set(name, series);
    }
    return series;
  }
}

/** Locust's worker states, as far as /metrics tells them apart. */
export const WORKER_STATES = ['ready', 'running', 'stopped'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

/** What /metrics reads at each scrape besides the recorder's tallies. */
export interface MetricsSources {
  recorder: MetricsRecorder;
  /** Running users per test case. */
  users(): ReadonlyMap<string, number>;
  /** The current requests-per-second cap of this process (0: none). */
  rpsCap(): number;
  state(): WorkerState;
}

/** A registry holding klayworker's metrics and prom-client's default process metrics. */
export function createMetricsRegistry(sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['type', 'name'] as const;
  new Counter({
    name: 'klayworker_requests_total',
    help: 'Requests made, failed ones included (Locust # requests), by request type and name',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.recorder.series()) this.inc({ type: s.type, name: s.name }, s.requests);
    },
  });
  new Counter({
    name: 'klayworker_failures_total',
    help: 'Failed requests (Locust # fails), by request type and name',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.recorder.series()) this.inc({ type: s.type, name: s.name }, s.failures);
    },
  });
  // prom-client's Histogram can only observe() one sample at a time, so this one is exported
  // from the tallies in the shape prom-client's own histograms give its registry.
  registry.registerMetric(responseTimeHistogram(sources.recorder) as unknown as Histogram);
  new Gauge({
    name: 'klayworker_users',
    help: 'Running users, by test case',
    labelNames: ['test_case'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [testCase, n] of sources.users()) this.set({ test_case: testCase }, n);
    },
  });
  new Gauge({
    name: 'klayworker_rps_cap',
    help: 'Requests per second this process may start (--max-rps share, or the ramp of --request-increase-rate); 0: no cap',
    registers: [registry],
    collect() {
      this.set(sources.rpsCap());
    },
  });
  new Gauge({
    name: 'klayworker_state',
    help: 'The worker state: 1 for the current one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const now = sources.state();
      for (const state of WORKER_STATES) this.set({ state }, state === now ? 1 : 0);
    },
  });
  return registry;
}

function responseTimeHistogram(recorder: MetricsRecorder) {
  const name = 'klayworker_response_time_seconds';
  return {
    name,
    help: 'Response times, by request type and name',
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const s of recorder.series()) {
        const labels = { type: s.type, name: s.name };
        let cumulative = 0;
        RESPONSE_TIME_BUCKETS_S.forEach((le, i) => {
          cumulative += s.buckets[i]!;
          values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { ...labels, le: '+Inf' }, value: s.requests, metricName: `${name}_bucket` });
        values.push({ labels, value: s.sumMs / 1000, metricName: `${name}_sum` });
        values.push({ labels, value: s.requests, metricName: `${name}_count` });
      }
      return Promise.resolve({ name, help: this.help, type: this.type, aggregator: this.aggregator, values });
    },
  };
}

export interface MetricsListen {
  host: string;
  port: number;
}

export interface MetricsServer {
  /** http://host:port/metrics, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the registry on GET /metrics; anything else is a 404. */
export async function serveMetrics(registry: Registry, listen: MetricsListen): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('klayworker serves Prometheus metrics on GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${errorMessage(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`--metrics-port: cannot listen on ${listen.host}:${listen.port} (${err.code ?? err.message})`)),
    );
    server.listen(listen.port, listen.host, () => resolve());
  });
  // Scrapes keep no process alive, and an open scrape connection does not hold up the exit.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const shownHost = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${shownHost}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

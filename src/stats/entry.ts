import type { WireStatsEntry } from './types.js';

/** Samples recorded together (RequestStats.successes): their times, and how many fall in each histogram bucket. */
export interface SampleBatch {
  readonly times: readonly number[];
  readonly buckets: ReadonlyMap<number, number>;
}

/**
 * One Locust StatsEntry: everything recorded for one (method, name) since it was last reset.
 * Times are float epoch seconds and per-second keys whole epoch seconds, as on the wire;
 * response times are milliseconds.
 */
export class StatsEntry {
  numRequests = 0;
  numFailures = 0;
  totalResponseTime = 0;
  minResponseTime: number | null = null;
  maxResponseTime = 0;
  totalContentLength = 0;
  readonly responseTimes = new Map<number, number>();
  readonly numReqsPerSec = new Map<number, number>();
  readonly numFailPerSec = new Map<number, number>();
  lastRequestTimestamp: number | null = null;
  startTime: number;

  /** Newest second seen, so old per-second counts are dropped once per second, not per call. */
  #newestSecond = -Infinity;

  /**
   * @param keepSeconds how many seconds of per-second counts to keep. A report window needs
   *   them all; a whole run only needs the last few for the current rate, and must not grow
   *   for hours.
   */
  constructor(
    readonly name: string,
    readonly method: string,
    startTime: number,
    private readonly keepSeconds = Infinity,
  ) {
    this.startTime = startTime;
  }

  get hasActivity(): boolean {
    return this.numRequests !== 0 || this.numFailures !== 0;
  }

  /**
   * Python's `StatsEntry.log`. The caller works out the second and the histogram bucket once
   * for the several entries one sample lands in.
   */
  logRequest(nowS: number, second: number, ms: number, bucket: number, contentLength: number): void {
    this.numRequests++;
    this.#countSecond(this.numReqsPerSec, second);
    this.lastRequestTimestamp = nowS;
    this.totalResponseTime += ms;
    if (this.minResponseTime === null || ms < this.minResponseTime) this.minResponseTime = ms;
    if (ms > this.maxResponseTime) this.maxResponseTime = ms;
    this.responseTimes.set(bucket, (this.responseTimes.get(bucket) ?? 0) + 1);
    this.totalContentLength += contentLength;
  }

  /**
   * `logRequest` for each of the batch's times, with no content; the sums run in the same order.
   * Index loops and locals, not for-of and fields: this runs a few times a block, too seldom
   * for V8 to optimise, and unoptimised for-of makes an object a time, a field sum a number a
   * time (with the like loops of sampleBatch and MetricsRecorder.successes, about 150 bytes a
   * mined transaction in an allocation profile of a tracked run).
   */
  logRequests(nowS: number, second: number, batch: SampleBatch): void {
    const { times } = batch;
    this.numRequests += times.length;
    this.#countSecond(this.numReqsPerSec, second, times.length);
    this.lastRequestTimestamp = nowS;
    let total = this.totalResponseTime;
    let min = this.minResponseTime ?? Infinity;
    let max = this.maxResponseTime;
    for (let i = 0; i < times.length; i++) {
      const ms = times[i]!;
      total += ms;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    }
    this.totalResponseTime = total;
    if (times.length > 0) this.minResponseTime = min;
    this.maxResponseTime = max;
    batch.buckets.forEach((count, bucket) => this.responseTimes.set(bucket, (this.responseTimes.get(bucket) ?? 0) + count));
  }

  /** Python's `StatsEntry.log_error`: only the failure counters; the request is logged apart. */
  logError(second: number): void {
    this.numFailures++;
    this.#countSecond(this.numFailPerSec, second);
  }

  reset(startTime: number): void {
    this.numRequests = 0;
    this.numFailures = 0;
    this.totalResponseTime = 0;
    this.minResponseTime = null;
    this.maxResponseTime = 0;
    this.totalContentLength = 0;
    this.responseTimes.clear();
    this.numReqsPerSec.clear();
    this.numFailPerSec.clear();
    this.lastRequestTimestamp = null;
    this.startTime = startTime;
    this.#newestSecond = -Infinity;
  }

  /** A copy in wire form: later recording or a reset never changes what was handed out. */
  toWire(): WireStatsEntry {
    return {
      name: this.name,
      method: this.method,
      start_time: this.startTime,
      last_request_timestamp: this.lastRequestTimestamp,
      num_requests: this.numRequests,
      num_none_requests: 0,
      num_failures: this.numFailures,
      total_response_time: this.totalResponseTime,
      max_response_time: this.maxResponseTime,
      min_response_time: this.minResponseTime,
      total_content_length: this.totalContentLength,
      response_times: new Map(this.responseTimes),
      num_reqs_per_sec: new Map(this.numReqsPerSec),
      num_fail_per_sec: new Map(this.numFailPerSec),
    };
  }

  #countSecond(counts: Map<number, number>, second: number, count = 1): void {
    counts.set(second, (counts.get(second) ?? 0) + count);
    if (second > this.#newestSecond) {
      this.#newestSecond = second;
      if (this.keepSeconds !== Infinity) {
        const oldest = second - this.keepSeconds;
        for (const map of [this.numReqsPerSec, this.numFailPerSec]) {
          for (const key of map.keys()) if (key < oldest) map.delete(key);
        }
      }
    }
  }
}

/**
 * Locust's `current_rps` / `current_fail_per_sec`: the mean per-second count over
 * `[max(last - 12, start), last - 2)`, where `last` and `start` are the whole run's (the
 * aggregate's), not the entry's own. The two newest seconds are left out as still filling.
 */
export function currentRate(perSecond: ReadonlyMap<number, number>, lastRequestTimestamp: number | null, startTime: number): number {
  if (lastRequestTimestamp === null) return 0;
  const last = Math.trunc(lastRequestTimestamp);
  const end = last - 2;
  let sum = 0;
  let seconds = 0;
  for (let t = Math.max(last - 12, Math.trunc(startTime)); t < end; t++) {
    sum += perSecond.get(t) ?? 0;
    seconds++;
  }
  return sum / Math.max(seconds, 1);
}

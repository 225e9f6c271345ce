/** What the stats module exposes to the master link and to the summary writers. */

/** One Locust StatsEntry as it goes on the wire (all 14 keys, Locust >= 0.13.5 semantics). */
export interface WireStatsEntry {
  name: string;
  method: string;
  start_time: number;
  last_request_timestamp: number | null;
  num_requests: number;
  num_none_requests: number;
  num_failures: number;
  total_response_time: number;
  max_response_time: number;
  min_response_time: number | null;
  total_content_length: number;
  /** Integer keys: encode with the codec's int-key maps. */
  response_times: Map<number, number>;
  num_reqs_per_sec: Map<number, number>;
  num_fail_per_sec: Map<number, number>;
}

export interface WireError {
  name: string;
  method: string;
  error: string;
  occurrences: number;
}

/** The stats part of a `stats` message: one report window (deltas since the last one). */
export interface StatsReport {
  stats: WireStatsEntry[];
  stats_total: WireStatsEntry;
  errors: Record<string, WireError>;
}

/** A row of the human summaries (console table, --json, final summary). */
export interface SummaryRow {
  type: string;
  name: string;
  requests: number;
  failures: number;
  median_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  avg_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  rps: number;
}

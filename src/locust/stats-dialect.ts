import type { StatsReport, WireStatsEntry } from '../stats/types.js';

/**
 * What a master of a given Locust era needs in a `stats` message beyond the 2.x shape.
 * - `modern`: 0.12 and later read errors as `occurrences` and accept the 14-key entries as
 *   they are (older keys are a subset; unknown keys are ignored).
 * - `occurences`: a master that spoke `num_clients` (0.10 – 0.14) may be 0.10 or 0.11, which
 *   read the misspelled `occurences`; both spellings are sent, since the message cannot tell.
 * - `locust-0.9`: also `occurences`, and `last_request_timestamp` an int that is never null
 *   (0.9's master takes `max()` of it, which fails on None).
 */
export type StatsEra = 'modern' | 'occurences' | 'locust-0.9';

export function adaptReport(report: StatsReport, era: StatsEra, nowS: number): StatsReport {
  if (era === 'modern') return report;
  const errors: StatsReport['errors'] = {};
  for (const [key, error] of Object.entries(report.errors)) {
    errors[key] = { ...error, occurences: error.occurrences } as typeof error;
  }
  if (era === 'occurences') return { ...report, errors };
  const entry = (e: WireStatsEntry): WireStatsEntry => ({ ...e, last_request_timestamp: Math.floor(e.last_request_timestamp ?? nowS) });
  return { stats: report.stats.map(entry), stats_total: entry(report.stats_total), errors };
}

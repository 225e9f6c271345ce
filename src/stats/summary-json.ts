import { writeFile } from 'node:fs/promises';

import type { SummaryRow } from './types.js';

/**
 * The whole process's transactions: accepted == mined + dropped + unresolved; `resent`:
 * accepted re-sends of starved transactions at a higher fee (not counted again in accepted).
 */
export interface TransactionTotals {
  accepted: number;
  mined: number;
  dropped: number;
  unresolved: number;
  resent: number;
}

/** The `--json` summary file: one object, stable keys, numbers in ms and requests/s. */
export interface SummaryJson {
  duration_s: number;
  users: number;
  total: SummaryRow;
  tasks: SummaryRow[];
  transactions: TransactionTotals;
}

export interface SummaryJsonInput {
  durationS: number;
  users: number;
  rows: readonly SummaryRow[];
  total: SummaryRow;
  transactions: TransactionTotals;
}

export function buildSummaryJson(input: SummaryJsonInput): SummaryJson {
  return {
    duration_s: input.durationS,
    users: input.users,
    total: summaryRow(input.total),
    tasks: input.rows.map(summaryRow),
    transactions: {
      accepted: input.transactions.accepted,
      mined: input.transactions.mined,
      dropped: input.transactions.dropped,
      unresolved: input.transactions.unresolved,
      resent: input.transactions.resent,
    },
  };
}

export async function writeSummaryJson(file: string, summary: SummaryJson): Promise<void> {
  await writeFile(file, JSON.stringify(summary, null, 2) + '\n', 'utf8');
}

/** Exactly the documented keys, whatever extra fields (e.g. the live rate) the row carries. */
function summaryRow(row: SummaryRow): SummaryRow {
  return {
    type: row.type,
    name: row.name,
    requests: row.requests,
    failures: row.failures,
    median_ms: row.median_ms,
    p95_ms: row.p95_ms,
    p99_ms: row.p99_ms,
    avg_ms: row.avg_ms,
    min_ms: row.min_ms,
    max_ms: row.max_ms,
    rps: row.rps,
  };
}

import { AppendingFile } from '../stats/appending-file.js';
import { csvText } from '../stats/csv.js';
import { type HistoryPoint, type SnapshotSource, STATS_HISTORY_CSV_HEADER, StatsHistory } from '../stats/stats-history.js';

export interface LiveHistoryOptions {
  stats: SnapshotSource;
  users: () => number;
  /** `${prefix}_stats_history.csv`, or null: points for the HTML report only. */
  csvPath: string | null;
  fullHistory: boolean;
  now?: () => number;
}

export interface LiveHistory {
  /** One per second so far, oldest first. */
  readonly points: readonly HistoryPoint[];
  /** Takes a last sample (unless this second has one), stops the clock and closes the file. */
  stop(): Promise<void>;
}

/**
 * Samples the stats once a second from now until `stop`, appending each second's rows to the
 * history CSV as Locust does (header first, then rows as they come, so a crash keeps them).
 * Samples are timed just after each whole wall-clock second, so that every row has its own
 * Timestamp even when a timer fires late.
 */
export async function startLiveHistory(options: LiveHistoryOptions): Promise<LiveHistory> {
  const now = options.now ?? (() => Date.now());
  const history = new StatsHistory({ stats: options.stats, users: options.users, fullHistory: options.fullHistory, now });
  const file = options.csvPath === null ? null : await AppendingFile.create(options.csvPath, csvText([STATS_HISTORY_CSV_HEADER]));
  const take = (): void => {
    const last = history.points.at(-1);
    // Two samples in one second would be two rows with one Timestamp; the first stands.
    if (last !== undefined && last.time === Math.trunc(now() / 1000)) return;
    const { csv } = history.sample();
    file?.append(csv);
  };
  let timer: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    timer = setTimeout(
      () => {
        take();
        schedule();
      },
      1000 - (now() % 1000) + 5,
    );
    // The run's own end decides when the process exits, never this clock.
    timer.unref();
  };
  take();
  schedule();
  return {
    get points() {
      return history.points;
    },
    async stop() {
      if (timer === null) return;
      clearTimeout(timer);
      timer = null;
      take();
      await file?.close();
    },
  };
}

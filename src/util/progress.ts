/** Progress of a long setup step as log lines on stderr: at most one per interval, plus the last. */
import type { Logger } from 'pino';

export interface Progress {
  /** Reports `done` of the total; logs if the last line is older than the interval. */
  update(done: number): void;
  /** Logs the final count once, whatever the interval. */
  finish(done: number): void;
}

export function progress(log: Logger, what: string, total: number, intervalMs = 1_000): Progress {
  let lastAt = performance.now();
  let last = -1;
  const line = (done: number): void => {
    last = done;
    lastAt = performance.now();
    log.info(`${what} ${done}/${total}`);
  };
  return {
    update(done) {
      if (done !== last && performance.now() - lastAt >= intervalMs) line(done);
    },
    finish(done) {
      if (done !== last) line(done);
    },
  };
}

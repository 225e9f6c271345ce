/** The seam every measured call is recorded through: the process's stats, or a wrapper of them. */
/** The only way a task reports what happened. Response times are milliseconds. */
export interface Recorder {
  success(type: string, name: string, responseTimeMs: number, contentLength: number): void;
  failure(type: string, name: string, responseTimeMs: number, error: string): void;
}

/**
 * The process's stats and their wrappers, which also take many successes at once: the
 * inclusion tracker settles a block's transactions together, thousands at a time on a busy
 * chain, and records them as one batch (the per-second count and each histogram bucket are
 * then updated once a batch, not once a transaction).
 */
export interface BatchRecorder extends Recorder {
  /** `responseTimesMs.length` successes of one (type, name), none with content, at this moment. */
  successes(type: string, name: string, responseTimesMs: readonly number[]): void;
}

/** The seam every measured call is recorded through: the process's stats, or a wrapper of them. */
/** The only way a task reports what happened. Response times are milliseconds. */
export interface Recorder {
  success(type: string, name: string, responseTimeMs: number, contentLength: number): void;
  failure(type: string, name: string, responseTimeMs: number, error: string): void;
}

/**
 * The seam between the runner and the test cases: a task is one kind of iteration that a
 * user loops over, and it reports each outcome through the user's recorder.
 */
import type { Recorder } from '../stats/recorder.js';

/** What a task sees of the user running it. */
export interface User {
  /** 0-based, unique within this process for the life of the user. */
  readonly id: number;
  readonly recorder: Recorder;
  /**
   * Aborted when the user is being stopped; long waits inside a task should honour it. It is
   * created on first read (an AbortSignal is a good part of an idle user's memory), so read
   * it where a wait needs it rather than caching it for every user up front.
   */
  readonly signal: AbortSignal;
}

export interface Task {
  /** The test case name; also the default stats name. */
  readonly name: string;
  /** Relative share of users bound to this task (>= 1). */
  readonly weight: number;
  /** One iteration; what it resolves to is not used. A thrown error is recorded by the runner as a failure of this task. */
  run(user: User): Promise<unknown>;
}

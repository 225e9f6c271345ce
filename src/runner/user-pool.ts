import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { allocateUsers } from './allocate.js';
import type { RateLimiter } from './rate-limiter.js';
import type { Recorder, Task, User } from './task.js';
import { UserRecorder } from './user-recorder.js';

/** Failures of tasks that throw are recorded under this request type. */
export const TASK_ERROR_TYPE = 'task';

/** A user loop yields to the event loop after this many iterations, so that a task which never
 *  awaits real I/O cannot starve the master link's heartbeats (real I/O yields anyway). */
const ITERATIONS_PER_YIELD = 64;

interface RunningUser {
  readonly user: User;
  readonly task: Task;
  readonly controller: AbortController;
  readonly recorder: UserRecorder;
  readonly done: Promise<void>;
  /** The loop has ended (the limiter said no more, e.g. at a run's end, or it was stopped). */
  readonly finished: () => boolean;
}

export interface UserPoolOptions {
  tasks: readonly Task[];
  limiter: RateLimiter;
  recorder: Recorder;
  log: Logger;
}

/**
 * The users of this process: async loops, each bound to one task, in numbers split over the
 * tasks by weight. Counts change either at once (`setTarget`, for 2.x masters that ramp
 * themselves) or at a hatch rate (`rampTo`, for standalone runs and old masters).
 */
export class UserPool {
  readonly #tasks: readonly Task[];
  readonly #weights: number[];
  readonly #limiter: RateLimiter;
  readonly #recorder: Recorder;
  readonly #log: Logger;
  /** Running users per task, oldest first. */
  readonly #groups: RunningUser[][];
  /** Users asked to stop whose current iteration has not finished yet, by user id. */
  readonly #stopping = new Map<number, RunningUser>();
  #nextId = 0;
  /** Bumped by every count change, so a ramp in progress notices it was superseded. */
  #generation = 0;

  constructor(options: UserPoolOptions) {
    if (options.tasks.length === 0) throw new RangeError('a user pool needs at least one task');
    this.#tasks = options.tasks;
    this.#weights = options.tasks.map((t) => t.weight);
    this.#limiter = options.limiter;
    this.#recorder = options.recorder;
    this.#log = options.log;
    this.#groups = options.tasks.map(() => []);
  }

  /** Users currently running (not counting ones finishing their last iteration). */
  get count(): number {
    let n = 0;
    for (const g of this.#groups) n += g.length;
    return n;
  }

  /** Running users per task name, in --tc order. */
  countsByTask(): Map<string, number> {
    return new Map(this.#tasks.map((t, i) => [t.name, this.#groups[i]!.length]));
  }

  /** Reaches `total` users at once (cancels any ramp in progress). */
  setTarget(total: number): void {
    this.#generation += 1;
    this.#reconcile(total);
  }

  /**
   * Moves to `total` users, starting them evenly spaced at `ratePerSecond` (the first one at
   * once); reductions happen at once. Like Locust's own ramp, it completes one interval after
   * the last start, so n users at rate r take n / r seconds. Resolves true then, or early
   * (false) when another count change or stop supersedes this ramp.
   */
  async rampTo(total: number, ratePerSecond: number): Promise<boolean> {
    const generation = ++this.#generation;
    if (total <= this.count || !(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      this.#reconcile(total);
      return true;
    }
    const from = this.count;
    const start = performance.now();
    for (let n = from + 1; n <= total; n++) {
      const due = start + ((n - from - 1) * 1000) / ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (generation !== this.#generation) return false;
      this.#reconcile(n);
    }
    const rest = start + ((total - from) * 1000) / ratePerSecond - performance.now();
    if (rest > 0) await sleep(rest);
    return generation === this.#generation;
  }

  /**
   * Stops every user. In-flight iterations may finish (and be recorded) for up to `graceMs`;
   * users still busy after that are detached so that nothing they record later is counted.
   * Returns how many iterations were abandoned that way.
   */
  async stopAll(graceMs: number): Promise<number> {
    this.#generation += 1;
    this.#reconcile(0);
    const pending = [...this.#stopping.values()];
    if (pending.length === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, graceMs));
    });
    await Promise.race([Promise.all(pending.map((u) => u.done)), deadline]);
    clearTimeout(timer);
    const abandoned = [...this.#stopping.values()];
    for (const u of abandoned) u.recorder.detach();
    if (abandoned.length > 0) {
      this.#log.warn({ abandoned: abandoned.length, graceMs }, 'stop: iterations still in flight were abandoned and are not counted');
    }
    return abandoned.length;
  }

  #reconcile(total: number): void {
    const targets = allocateUsers(this.#weights, total);
    targets.forEach((target, i) => {
      const group = this.#groups[i]!;
      while (group.length > target) this.#stopUser(group.pop()!);
      while (group.length < target) group.push(this.#startUser(this.#tasks[i]!));
    });
  }

  #startUser(task: Task): RunningUser {
    const controller = new AbortController();
    const recorder = new UserRecorder(this.#recorder);
    const user: User = { id: this.#nextId++, recorder, signal: controller.signal };
    let ended = false;
    const done = this.#loop(user, task, controller.signal).finally(() => {
      ended = true;
      this.#stopping.delete(user.id);
    });
    return { user, task, controller, recorder, done, finished: () => ended };
  }

  #stopUser(u: RunningUser): void {
    // A loop that already ended has nothing in flight to wait for.
    if (!u.finished()) this.#stopping.set(u.user.id, u);
    u.controller.abort();
  }

  async #loop(user: User, task: Task, signal: AbortSignal): Promise<void> {
    let sinceYield = 0;
    // Start on a fresh tick so a burst of starts returns to the caller before any I/O begins.
    await yieldToEventLoop();
    while (!signal.aborted) {
      if (!(await this.#limiter.acquire(signal))) break;
      if (signal.aborted) break;
      const t0 = performance.now();
      try {
        await task.run(user);
      } catch (err) {
        user.recorder.failure(TASK_ERROR_TYPE, task.name, performance.now() - t0, errorMessage(err));
      }
      if (++sinceYield === ITERATIONS_PER_YIELD) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

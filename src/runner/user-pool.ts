import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from 'pino';

import type { Recorder } from '../stats/recorder.js';
import { Waiter } from '../util/waiter-queue.js';
import { allocateUsers } from './allocate.js';
import type { RateLimiter } from './limiter/limiter.js';
import type { Task, User } from './task.js';
import { UserRecorder } from './user-recorder.js';

/** Failures of tasks that throw are recorded under this request type. */
export const TASK_ERROR_TYPE = 'task';

/** A user loop yields to the event loop after this many iterations, so that a task which never
 *  awaits real I/O cannot starve the master link's heartbeats (real I/O yields anyway). */
const ITERATIONS_PER_YIELD = 64;

/**
 * One running user: what its task sees, its recorder, and its place in the limiter's queue.
 * 100,000 of them may idle in one process, so a user is small: no AbortController unless a
 * task asks for `signal`, and one reusable queue node instead of a listener per wait.
 */
class PooledUser implements User {
  readonly recorder: UserRecorder;
  readonly waiter = new Waiter();
  /** Asked to stop: the loop ends after the current iteration, or at once if it waits. */
  stopped = false;
  /** The loop has ended (the limiter said no more, e.g. at a run's end, or it was stopped). */
  ended = false;
  #controller: AbortController | undefined = undefined;

  constructor(
    readonly id: number,
    readonly task: Task,
    recorder: Recorder,
  ) {
    this.recorder = new UserRecorder(recorder);
  }

  /** Created on first use: most tasks never wait long enough to need it. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.stopped) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  stop(): void {
    this.stopped = true;
    this.#controller?.abort();
    this.waiter.cancel();
  }
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
  readonly #groups: PooledUser[][];
  /** Users asked to stop whose current iteration has not finished yet. */
  readonly #stopping = new Set<PooledUser>();
  /** Settles when #stopping empties; made only while someone waits for that. */
  #drained: { promise: Promise<void>; resolve: () => void } | undefined;
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
  /**
   * Stops every user, waiting up to `graceMs` for iterations in flight; those still running are
   * detached and never counted. `expected`: nobody asked to wait for them (a quit, as Locust's
   * own worker kills its users then), so saying so is information, not a warning.
   */
  async stopAll(graceMs: number, expected = false): Promise<number> {
    this.#generation += 1;
    this.#reconcile(0);
    if (this.#stopping.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, graceMs));
    });
    await Promise.race([this.#whenDrained(), deadline]);
    clearTimeout(timer);
    const abandoned = [...this.#stopping];
    // Detached users are not waited for again: whatever they do later is not counted.
    this.#stopping.clear();
    this.#drained = undefined;
    for (const u of abandoned) u.recorder.detach();
    if (abandoned.length > 0) {
      const line = { abandoned: abandoned.length, graceMs };
      if (expected) this.#log.info(line, 'iterations still in flight were not waited for and are not counted');
      else this.#log.warn(line, 'stop: iterations still in flight were abandoned and are not counted');
    }
    return abandoned.length;
  }

  #whenDrained(): Promise<void> {
    if (this.#drained === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#drained = { promise, resolve };
    }
    return this.#drained.promise;
  }

  #reconcile(total: number): void {
    const targets = allocateUsers(this.#weights, total);
    targets.forEach((target, i) => {
      const group = this.#groups[i]!;
      while (group.length > target) this.#stopUser(group.pop()!);
      while (group.length < target) group.push(this.#startUser(this.#tasks[i]!));
    });
  }

  #startUser(task: Task): PooledUser {
    const user = new PooledUser(this.#nextId++, task, this.#recorder);
    // No promise per user is kept: the loop reports its own end (see #ended).
    void this.#loop(user);
    return user;
  }

  #stopUser(user: PooledUser): void {
    user.stop();
    // A loop that already ended has nothing in flight to wait for.
    if (!user.ended) this.#stopping.add(user);
  }

  #ended(user: PooledUser): void {
    user.ended = true;
    if (this.#stopping.delete(user) && this.#stopping.size === 0 && this.#drained !== undefined) {
      this.#drained.resolve();
      this.#drained = undefined;
    }
  }

  async #loop(user: PooledUser): Promise<void> {
    let sinceYield = 0;
    try {
      // Start on a fresh tick so a burst of starts returns to the caller before any I/O begins.
      await yieldToEventLoop();
      while (!user.stopped) {
        if (!(this.#limiter.decideNow() ?? (await this.#limiter.acquire(user.waiter)))) break;
        if (user.stopped) break;
        const t0 = performance.now();
        try {
          await user.task.run(user);
        } catch (err) {
          user.recorder.failure(TASK_ERROR_TYPE, user.task.name, performance.now() - t0, errorMessage(err));
        }
        if (++sinceYield === ITERATIONS_PER_YIELD) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
    } catch (err) {
      // Only a broken recorder gets here; the user ends rather than spin on it.
      this.#log.error({ err: errorMessage(err), user: user.id }, 'a user loop failed');
    } finally {
      this.#ended(user);
    }
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * One timed JSON-RPC call, recorded on the user's recorder: the building block of the test
 * cases. The time covers the call alone (queueing for a socket included), not validation.
 */
import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { errorMessage } from '../util/errors.js';
import type { User } from './task.js';

/** Returns why a result counts as a failure, or undefined when it is fine. */
export type Validate = (result: unknown) => string | undefined;

/** Where a call is recorded in the stats: Locust's request type and name. */
export interface CallLabel {
  readonly type: string;
  readonly name: string;
}

export type TimedOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false };

const FAILED: TimedOutcome = Object.freeze({ ok: false });

/**
 * Calls `method`, records success or failure, and hands the result on when it succeeded.
 * Written with then(), not async/await: one promise turn a call instead of a suspended
 * function resumed (the hot path of every read test case).
 */
export function timedCall(
  user: User,
  rpc: JsonRpcClient,
  label: CallLabel,
  method: string,
  params: readonly unknown[],
  validate?: Validate,
): Promise<TimedOutcome> {
  const start = performance.now();
  // call() never throws: every failure, a bad parameter included, is its promise's rejection.
  return rpc.call(method, params).then(
    ({ result, bytes }): TimedOutcome => {
      const ms = performance.now() - start;
      const problem = validate?.(result);
      if (problem !== undefined) {
        user.recorder.failure(label.type, label.name, ms, problem);
        return FAILED;
      }
      user.recorder.success(label.type, label.name, ms, bytes);
      return { ok: true, result };
    },
    (err: unknown): TimedOutcome => {
      user.recorder.failure(label.type, label.name, performance.now() - start, errorMessage(err));
      return FAILED;
    },
  );
}

/** A short rendering of an unexpected result for a failure message. */
export function describeResult(result: unknown, max = 60): string {
  const text = JSON.stringify(result) ?? String(result);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

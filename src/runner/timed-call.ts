/**
 * One timed JSON-RPC call, recorded on the user's recorder: the building block of the test
 * cases. The time covers the call alone (queueing for a socket included), not validation.
 */
import type { CallEnd, JsonRpcClient, RpcResponse } from '../rpc/json-rpc.js';
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
 * The recording is the call's own ending (CallEnd): no promise is chained on the call's and no
 * closure is made per call (the hot path of every read test case).
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
  // callThen() never throws: every failure, a bad parameter included, reaches `failed`.
  return rpc.callThen(method, params, start, new TimedRecording(user, label, validate, start));
}

/** Records one timed call as it ends. */
class TimedRecording implements CallEnd<TimedOutcome> {
  constructor(
    private readonly user: User,
    private readonly label: CallLabel,
    private readonly validate: Validate | undefined,
    private readonly start: number,
  ) {}

  succeeded({ result, bytes }: RpcResponse): TimedOutcome {
    const ms = performance.now() - this.start;
    const problem = this.validate?.(result);
    if (problem !== undefined) {
      this.user.recorder.failure(this.label.type, this.label.name, ms, problem);
      return FAILED;
    }
    this.user.recorder.success(this.label.type, this.label.name, ms, bytes);
    return { ok: true, result };
  }

  failed(err: unknown): TimedOutcome {
    this.user.recorder.failure(this.label.type, this.label.name, performance.now() - this.start, errorMessage(err));
    return FAILED;
  }
}

/** A short rendering of an unexpected result for a failure message. */
export function describeResult(result: unknown, max = 60): string {
  const text = JSON.stringify(result) ?? String(result);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

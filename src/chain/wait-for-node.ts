/**
 * The first contact with the node: eth_chainId, retried with backoff while the node is
 * unreachable, and a clear error once the connect timeout is spent (never a silent loop).
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { RpcError } from '../rpc/rpc-error.js';
import { errorMessage } from '../util/errors.js';
import { parseQuantity } from './quantity.js';

export interface WaitForNodeOptions {
  /** Give up after this long (the node's --connect-timeout). */
  timeoutMs: number;
  /** For messages; only its host is shown (a path may carry an API key). */
  endpoint: string;
  log: Logger;
  /** First pause between attempts; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** Resolves with the chain id once the node answers; rejects with one line after the timeout. */
export async function waitForNode(rpc: JsonRpcClient, options: WaitForNodeOptions): Promise<bigint> {
  const { timeoutMs, endpoint, log, backoffMs = 250, maxBackoffMs = 5_000 } = options;
  const where = hostOf(endpoint);
  const deadline = performance.now() + timeoutMs;
  let pause = backoffMs;
  for (let attempt = 1; ; attempt++) {
    let result: unknown;
    try {
      ({ result } = await withinDeadline(rpc.call('eth_chainId', []), deadline));
    } catch (err) {
      // The node answered, but with an error: retrying will not help.
      if (err instanceof RpcError && err.kind === 'rpc')
        throw new Error(`the node at ${where} answered eth_chainId with an error: ${err.message}`, { cause: err });
      // Refused credentials or an untrusted certificate stay so: stop now, not after --connect-timeout.
      if (isRefusal(err)) throw new Error(`the node at ${where}: ${err.message}`, { cause: err });
      const reason = errorMessage(err);
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`no answer from the node at ${where} within ${formatSeconds(timeoutMs)} (${reason}); check --endpoint or raise --connect-timeout`, {
          cause: err,
        });
      }
      if (attempt === 1) log.warn({ node: where, reason }, `node not reachable; retrying for up to ${formatSeconds(timeoutMs)}`);
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, maxBackoffMs);
      continue;
    }
    const chainId = parseQuantity(result, 'eth_chainId result');
    if (attempt > 1) log.info({ node: where, attempts: attempt }, 'node reachable');
    return chainId;
  }
}

/** How long `refuseLockedOut` waits for its one answer before letting the run start anyway. */
const ACCESS_CHECK_MS = 3_000;

/**
 * One eth_chainId before a run whose test cases wait for nothing (plain reads): credentials the
 * endpoint refuses, or a certificate it cannot prove, stop the run at the start in one line
 * (they do not heal), instead of a whole test of failures. Anything else (a node still
 * starting, an error answer) is left to the test cases to record.
 */
export async function refuseLockedOut(rpc: JsonRpcClient, endpoint: string): Promise<void> {
  try {
    await withinDeadline(rpc.call('eth_chainId', []), performance.now() + ACCESS_CHECK_MS);
  } catch (err) {
    if (isRefusal(err)) throw new Error(`the node at ${hostOf(endpoint)}: ${err.message}`, { cause: err });
  }
}

/** A failure that retrying cannot heal: the credentials (HTTP 401/403) or the certificate (TLS). */
function isRefusal(err: unknown): err is RpcError {
  return err instanceof RpcError && (err.kind === 'auth' || err.kind === 'tls');
}

/** A call that cannot outlive the deadline (a black-holed host would hold it for the whole RPC timeout). */
async function withinDeadline<T>(call: Promise<T>, deadline: number): Promise<T> {
  const timer = new AbortController();
  const expired = sleep(Math.max(0, deadline - performance.now()), undefined, { signal: timer.signal }).then(
    () => Promise.reject(new Error('no reply before the connect timeout')),
    () => new Promise<never>(() => undefined),
  );
  try {
    return await Promise.race([call, expired]);
  } finally {
    timer.abort();
    call.catch(() => undefined);
  }
}

export function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return 'the endpoint';
  }
}

function formatSeconds(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** Polling for a transaction receipt, bounded by a deadline and by the user's stop signal. */
import { setTimeout as sleep } from 'node:timers/promises';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { errorMessage } from '../util/errors.js';

export interface Receipt {
  readonly status?: string;
  readonly blockNumber: string;
  readonly gasUsed: string;
  readonly effectiveGasPrice?: string;
  /** Klaytn-style receipts carry the price paid here instead. */
  readonly gasPrice?: string;
  readonly transactionHash: string;
}

export type ReceiptWait =
  | { readonly kind: 'receipt'; readonly receipt: Receipt; readonly bytes: number; readonly at: number }
  | { readonly kind: 'timeout'; readonly lastError: string | null }
  | { readonly kind: 'aborted' };

const POLL_MS = 200;

export interface ReceiptWaitOptions {
  /** performance.now() milliseconds after which it gives up. */
  deadline: number;
  /** A stopped user stops waiting. */
  signal?: AbortSignal;
  /** Pause between polls (default 200 ms). */
  pollMs?: number;
}

/** Polls `method` (e.g. eth_getTransactionReceipt) until a receipt, the deadline or an abort: the one receipt poller. */
export async function waitForReceipt(rpc: JsonRpcClient, method: string, hash: string, options: ReceiptWaitOptions): Promise<ReceiptWait> {
  const { deadline, signal, pollMs = POLL_MS } = options;
  let lastError: string | null = null;
  for (;;) {
    if (signal?.aborted === true) return { kind: 'aborted' };
    try {
      const { result, bytes } = await rpc.call(method, [hash]);
      if (isReceipt(result)) return { kind: 'receipt', receipt: result, bytes, at: performance.now() };
      if (result !== null) lastError = `invalid ${method} result`;
    } catch (err) {
      // A failed poll is not the end: the receipt may still come within the deadline.
      lastError = errorMessage(err);
    }
    const left = deadline - performance.now();
    if (left <= 0) return { kind: 'timeout', lastError };
    await sleep(Math.min(pollMs, left), undefined, { signal }).catch(() => undefined);
  }
}

/** Read attempts for the receipt of a transaction already seen in a block (a node may index it a moment later). */
const RECEIPT_READS = 5;

/** The receipt of a transaction the inclusion tracker has seen mined; null when the node has none after a few reads. */
export async function readReceipt(rpc: JsonRpcClient, method: string, hash: string): Promise<{ receipt: Receipt; bytes: number } | null> {
  for (let attempt = 1; attempt <= RECEIPT_READS; attempt++) {
    try {
      const { result, bytes } = await rpc.call(method, [hash]);
      if (isReceipt(result)) return { receipt: result, bytes };
    } catch {
      // A failed read proves nothing: read again.
    }
    if (attempt < RECEIPT_READS) await sleep(POLL_MS);
  }
  return null;
}

export function isReceipt(value: unknown): value is Receipt {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.blockNumber === 'string' && typeof r.gasUsed === 'string' && typeof r.transactionHash === 'string';
}

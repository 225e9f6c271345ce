/**
 * `klayworker refund`: sweeps what is left in the test accounts back to the rich account.
 * A sweep is a legacy transfer of balance − 21000 × gasPrice: legacy transactions pay their
 * full gas price, so the account ends at exactly zero (never more than one transfer's gas).
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { SigningKey } from 'ethers/crypto';
import type { Logger } from 'pino';

import { readBalance, readNonce } from '../chain/account-state.js';
import { readBaseFee } from '../chain/chain-context.js';
import { coins } from '../chain/funding.js';
import { parseQuantity } from '../chain/quantity.js';
import { classifySendError } from '../chain/send-errors.js';
import { signTransfer, TRANSFER_GAS } from '../chain/signing/sign-transfer.js';
import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { errorMessage } from '../util/errors.js';
import { mapLimit } from '../util/map-limit.js';
import { progress } from '../util/progress.js';

const CONCURRENCY = 16;
const POLL_MS = 500;
const DEFAULT_ROUNDS = 3;

export interface RefundOptions {
  rpc: JsonRpcClient;
  log: Logger;
  chainId: bigint;
  richAddress: string;
  accounts: readonly { readonly address: string; readonly signer: SigningKey }[];
  /** Longest wait for an account's pending transactions, and for the sweeps to be mined. */
  timeoutMs: number;
  rounds?: number;
}

export interface RefundReport {
  /** Accounts swept (over all rounds). */
  swept: number;
  /** wei moved to the rich account. */
  returnedWei: bigint;
  /** Accounts left holding at least one transfer's gas (0 on success). */
  left: number;
}

/** Sweeps every test account holding more than one transfer's gas; rejects with one line if any is left. */
export async function refundAccounts(options: RefundOptions): Promise<RefundReport> {
  const { rpc, log, accounts, timeoutMs, rounds = DEFAULT_ROUNDS } = options;
  const report: RefundReport = { swept: 0, returnedWei: 0n, left: 0 };
  await waitIdle(rpc, log, accounts, timeoutMs);
  // Written by the send callbacks below (TypeScript's narrowing does not see those writes).
  let lastError = null as string | null;
  for (let round = 1; round <= rounds; round++) {
    const price = await sweepPrice(rpc);
    const gasCost = TRANSFER_GAS * price;
    const states = await mapLimit(accounts, CONCURRENCY, async (a) => ({
      account: a,
      balance: await readBalance(rpc, a.address),
      nonce: await readNonce(rpc, a.address, 'latest'),
    }));
    const full = states.filter((s) => s.balance > gasCost);
    report.left = full.length;
    if (full.length === 0) return report;
    log.info({ round, accounts: full.length, to: options.richAddress }, 'refund: sweeping test accounts');
    const shown = progress(log, 'refund: sent', full.length);
    let done = 0;
    const sent = await mapLimit(full, CONCURRENCY, async (s) => {
      const value = s.balance - gasCost;
      const { raw } = signTransfer(s.account.signer, {
        chainId: options.chainId,
        nonce: s.nonce,
        to: options.richAddress,
        value,
        fee: { type: 'legacy', gasPrice: price },
      });
      let ok = true;
      try {
        await rpc.call('eth_sendRawTransaction', [raw]);
      } catch (err) {
        ok = classifySendError(err) === 'already-known';
        if (!ok) lastError = errorMessage(err);
      }
      shown.update(++done);
      return ok ? { address: s.account.address, nonce: s.nonce, value } : null;
    });
    shown.finish(done);
    const accepted = sent.filter((s): s is { address: string; nonce: number; value: bigint } => s !== null);
    await waitMinedAll(rpc, log, accepted, timeoutMs);
    for (const s of accepted) report.returnedWei += s.value;
    report.swept += accepted.length;
  }
  const price = await sweepPrice(rpc);
  const balances = await mapLimit(accounts, CONCURRENCY, (a) => readBalance(rpc, a.address));
  report.left = balances.filter((b) => b > TRANSFER_GAS * price).length;
  if (report.left > 0) {
    throw new Error(
      `refund incomplete after ${rounds} rounds: ${report.left} of ${accounts.length} test accounts still hold more than one transfer's gas${lastError === null ? '' : `; last send error: ${lastError}`}`,
    );
  }
  return report;
}

/** Logs the outcome in one line. */
export function logRefund(log: Logger, report: RefundReport, accounts: number, richAddress: string): void {
  log.info(
    { swept: report.swept, accounts, to: richAddress },
    `refund: returned ${coins(report.returnedWei)}; ${report.left} test accounts hold more than one transfer's gas`,
  );
}

/**
 * The gas price of a sweep: eth_gasPrice, raised to twice the base fee where that is more,
 * so the sweep stays valid while the base fee climbs for a few blocks.
 */
async function sweepPrice(rpc: JsonRpcClient): Promise<bigint> {
  const gasPrice = parseQuantity((await rpc.call('eth_gasPrice', [])).result, 'eth_gasPrice result');
  const baseFee = await readBaseFee(rpc);
  return baseFee !== null && 2n * baseFee > gasPrice ? 2n * baseFee : gasPrice;
}

/** Waits until no test account has transactions in the pool, so balances stop moving. */
async function waitIdle(rpc: JsonRpcClient, log: Logger, accounts: RefundOptions['accounts'], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let warned = false;
  for (;;) {
    const busy = await mapLimit(accounts, CONCURRENCY, async (a) => (await readNonce(rpc, a.address, 'pending')) > (await readNonce(rpc, a.address, 'latest')));
    const count = busy.filter(Boolean).length;
    if (count === 0) return;
    if (performance.now() > deadline) throw new Error(`refund: ${count} test accounts still have pending transactions after ${timeoutMs / 1000} s`);
    if (!warned) log.info({ accounts: count }, 'refund: waiting for pending transactions of the test accounts');
    warned = true;
    await sleep(POLL_MS);
  }
}

async function waitMinedAll(rpc: JsonRpcClient, log: Logger, sent: readonly { address: string; nonce: number }[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let waiting = [...sent];
  const shown = progress(log, 'refund: mined', sent.length);
  while (waiting.length > 0) {
    const mined = await mapLimit(waiting, CONCURRENCY, async (s) => (await readNonce(rpc, s.address, 'latest')) > s.nonce);
    waiting = waiting.filter((_, i) => !mined[i]);
    shown.update(sent.length - waiting.length);
    if (waiting.length === 0) break;
    if (performance.now() > deadline) {
      log.warn({ unmined: waiting.length }, `refund: sweeps not mined after ${timeoutMs / 1000} s`);
      return;
    }
    await sleep(POLL_MS);
  }
  shown.finish(sent.length);
}

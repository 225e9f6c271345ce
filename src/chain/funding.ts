/**
 * Funding the test accounts from the rich account: only accounts below half the charge are
 * topped up (to the charge), so a second run with the same seed sends little or nothing.
 *
 * Transfers go out with consecutive nonces, up to WINDOW at a time, without waiting for
 * receipts one by one; then the rich account's mined nonce shows when they are all in.
 * Another process spending from the same rich key (e.g. a second worker funding its own
 * accounts at the same moment) takes some of our nonces: those sends fail as "nonce too
 * low"/"replacement underpriced", and the next round funds whoever is still short.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { SigningKey } from 'ethers/crypto';
import { formatUnits } from 'ethers/utils';
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { errorMessage, KlayworkerError } from '../util/errors.js';
import { mapLimit } from '../util/map-limit.js';
import { progress } from '../util/progress.js';
import { readBalance, readNonce } from './account-state.js';
import { type ChainContext, type FeeQuote, maxPricePerGas } from './chain-context.js';
import { classifySendError } from './send-errors.js';
import { signTransfer, TRANSFER_GAS } from './signing/sign-transfer.js';

/** Sends in flight at once. geth queues at most 64 future transactions per sender. */
const WINDOW = 16;
/** Balance reads in flight at once. */
const READ_CONCURRENCY = 16;
const DEFAULT_ROUNDS = 6;
const POLL_MS = 500;

/** The rich account cannot pay for the funding: raised before anything is sent. */
export class FundingError extends KlayworkerError {
  override name = 'FundingError';
}

export interface Funder {
  readonly address: string;
  readonly signer: SigningKey;
}

export interface FundingOptions {
  rpc: JsonRpcClient;
  log: Logger;
  chain: ChainContext;
  rich: Funder;
  accounts: readonly { readonly address: string }[];
  /** wei each account is topped up to. */
  chargeWei: bigint;
  /** Longest wait without any funding transaction being mined before a round gives up. */
  stallTimeoutMs: number;
  rounds?: number;
}

export interface FundingReport {
  /** Accounts that received a transfer (over all rounds). */
  funded: number;
  /** wei sent to test accounts (fees not included). */
  sentWei: bigint;
  rounds: number;
}

/** Top-up per account, 0n for accounts that hold at least half the charge. Pure. */
export function planTopUps(balances: readonly bigint[], chargeWei: bigint): bigint[] {
  const lowWater = chargeWei / 2n;
  return balances.map((b) => (b < lowWater ? chargeWei - b : 0n));
}

/** What the rich account must hold to send these top-ups at this fee. Pure. */
export function fundingCost(topUps: readonly bigint[], fee: FeeQuote): { count: number; valueWei: bigint; gasWei: bigint; totalWei: bigint } {
  let count = 0;
  let valueWei = 0n;
  for (const t of topUps) {
    if (t > 0n) {
      count++;
      valueWei += t;
    }
  }
  const gasWei = BigInt(count) * TRANSFER_GAS * maxPricePerGas(fee);
  return { count, valueWei, gasWei, totalWei: valueWei + gasWei };
}

/** Tops up every test account below half the charge; rejects with one line if it cannot. */
export async function fundAccounts(options: FundingOptions): Promise<FundingReport> {
  const { rpc, log, chain, rich, accounts, chargeWei, stallTimeoutMs, rounds = DEFAULT_ROUNDS } = options;
  const report: FundingReport = { funded: 0, sentWei: 0n, rounds: 0 };
  let lastError: string | null = null;
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) {
      // Jitter, so two workers that collided do not collide again in lockstep; fresh fees in
      // case the last round met a rising base fee.
      await sleep(200 + Math.floor(Math.random() * 800));
      await chain.fees.refresh();
    }
    const balances = await mapLimit(accounts, READ_CONCURRENCY, (a) => readBalance(rpc, a.address));
    const topUps = planTopUps(balances, chargeWei);
    const needy = accounts.flatMap((a, i) => (topUps[i]! > 0n ? [{ address: a.address, value: topUps[i]! }] : []));
    if (needy.length === 0) {
      if (round === 1) log.info({ accounts: accounts.length }, 'test accounts already funded');
      return report;
    }
    const fee = chain.fees.current();
    const cost = fundingCost(topUps, fee);
    const held = await readBalance(rpc, rich.address);
    if (held < cost.totalWei) {
      throw new FundingError(
        `rich account ${rich.address} holds ${coins(held)} but funding ${cost.count} of ${accounts.length} test accounts needs ${coins(cost.totalWei)}: ` +
          `${coins(cost.valueWei)} of top-ups (up to --charge ${formatUnits(chargeWei, 18)} each) plus ${coins(cost.gasWei)} of gas ` +
          `(${cost.count} × ${TRANSFER_GAS} gas × ${maxPricePerGas(fee)} wei); lower --accounts or --charge, or add funds`,
      );
    }
    log.info({ round, accounts: needy.length, charge: formatUnits(chargeWei, 18), from: rich.address }, 'funding test accounts');
    const sent = await sendRound(options, needy, fee);
    if (sent.error !== null) {
      lastError = sent.error;
      log.info({ round, error: sent.error }, 'funding round cut short; the next round funds the rest');
    }
    for (const v of sent.acceptedValues) report.sentWei += v;
    report.funded += sent.acceptedValues.length;
    report.rounds = round;
    if (sent.waitFor !== null) await waitMined(rpc, log, rich.address, sent.startNonce, sent.waitFor, stallTimeoutMs);
  }
  const balances = await mapLimit(accounts, READ_CONCURRENCY, (a) => readBalance(rpc, a.address));
  const short = planTopUps(balances, chargeWei).filter((t) => t > 0n).length;
  if (short === 0) return report;
  throw new FundingError(
    `funding incomplete after ${rounds} rounds: ${short} of ${accounts.length} test accounts still hold less than half of --charge${lastError === null ? '' : `; last send error: ${lastError}`}`,
  );
}

interface RoundResult {
  startNonce: number;
  acceptedValues: bigint[];
  /** The rich nonce the chain must reach before balances show this round; null if nothing was sent. */
  waitFor: number | null;
  error: string | null;
}

type SlotState = 'sent' | 'taken' | 'failed' | 'unsent';

async function sendRound(options: FundingOptions, needy: readonly { address: string; value: bigint }[], fee: FeeQuote): Promise<RoundResult> {
  const { rpc, log, chain, rich } = options;
  const startNonce = await readNonce(rpc, rich.address, 'pending');
  const states: SlotState[] = needy.map(() => 'unsent');
  const acceptedValues: bigint[] = [];
  const shown = progress(log, 'funding: sent', needy.length);
  let error: string | null = null;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    // After a failure that may leave a nonce gap, stop issuing: later nonces would queue behind it.
    while (error === null && next < needy.length) {
      const i = next++;
      const target = needy[i]!;
      const nonce = startNonce + i;
      const { raw } = signTransfer(rich.signer, { chainId: chain.chainId, nonce, to: target.address, value: target.value, fee });
      try {
        await rpc.call('eth_sendRawTransaction', [raw]);
        states[i] = 'sent';
      } catch (err) {
        const kind = classifySendError(err);
        if (kind === 'already-known') {
          states[i] = 'sent';
        } else if (kind === 'stale-nonce') {
          // Someone else's transaction holds this nonce: no gap, carry on with the next one.
          states[i] = 'taken';
        } else {
          states[i] = 'failed';
          error ??= errorMessage(err);
        }
      }
      if (states[i] === 'sent') acceptedValues.push(target.value);
      shown.update(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WINDOW, needy.length) }, worker));
  shown.finish(done);
  // Wait only for the nonces the chain can reach: up to the first gap we may have left.
  let waitFor: number | null = null;
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    if (s === 'failed' || s === 'unsent') break;
    if (s === 'sent') waitFor = startNonce + i + 1;
  }
  return { startNonce, acceptedValues, waitFor, error };
}

/** Polls the rich account's mined nonce until it reaches `target`; gives up after a stall. */
async function waitMined(rpc: JsonRpcClient, log: Logger, address: string, startNonce: number, target: number, stallTimeoutMs: number): Promise<void> {
  const shown = progress(log, 'funding: mined', target - startNonce);
  let last = -1;
  let lastProgressAt = performance.now();
  for (;;) {
    const mined = await readNonce(rpc, address, 'latest');
    shown.update(Math.max(0, Math.min(mined, target) - startNonce));
    if (mined >= target) {
      shown.finish(target - startNonce);
      return;
    }
    if (mined !== last) {
      last = mined;
      lastProgressAt = performance.now();
    } else if (performance.now() - lastProgressAt > stallTimeoutMs) {
      log.warn(
        { mined: Math.max(0, mined - startNonce), expected: target - startNonce },
        `funding: nothing mined for ${stallTimeoutMs / 1000} s; re-reading balances`,
      );
      return;
    }
    await sleep(POLL_MS);
  }
}

/** "1.5 (1500000000000000000 wei)": the chain's coin (ETH, KAIA) and the exact integer. */
export function coins(wei: bigint): string {
  return `${formatUnits(wei, 18)} (${wei} wei)`;
}

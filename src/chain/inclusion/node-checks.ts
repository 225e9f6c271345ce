/**
 * Asking the node about accounts whose transactions stopped moving. After each block, an
 * account whose oldest transaction has had its chance and which the block did not move is
 * checked: is that transaction mined (a block we missed), held (then maybe starved: re-sent at
 * the current fee), or gone (settled as dropped, and the account healed: its nonces rebuilt
 * from the chain). The interval doubles while the node keeps saying it holds the transaction.
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../../rpc/json-rpc.js';
import { errorMessage } from '../../util/errors.js';
import type { Entry } from './entry.js';
import { NodeLookups } from './node-lookups.js';
import type { AccountState, NoncePlan, Settlement } from './types.js';

const MAX_BACKOFF_BLOCKS = 4;
/** Node reads for checks in flight at once; more suspects wait for the next block. */
const MAX_CHECKS = 256;
/** Blocks a held transaction may wait, its account making no progress, before it is re-sent. */
export const STARVE_BLOCKS = 1;

/** What the checks need of the tracker: its accounts, and the ways an entry ends or is re-sent. */
export interface CheckedTracker {
  accounts(): Iterable<AccountState>;
  /** The account's unsettled transactions, by nonce. */
  entries(account: AccountState): Entry[];
  /** Its unsettled transaction of the lowest nonce. */
  oldest(account: AccountState): Entry | undefined;
  /** A stopped test waits for its transactions: nobody leases the accounts any more. */
  draining(): boolean;
  /** Newer transactions offer 10 % more per gas: a re-send at today's price would overtake. */
  outbid(entry: Entry): boolean;
  settle(entry: Entry, settlement: Exclude<Settlement, { kind: 'unresolved' }>): void;
  remove(entry: Entry): boolean;
  /** Each pending, replaceable transaction of `accounts` that `which` picks re-sends itself now. */
  resendWhere(accounts: Iterable<AccountState>, which: (entry: Entry) => boolean): void;
  /** Sends a new transaction at every nonce from `latest` up to the account's highest that none of its transactions holds. */
  fillGaps(account: AccountState, latest: number): void;
}

export interface NodeChecksOptions {
  rpc: JsonRpcClient;
  namespace: string;
  log: Logger;
  receiptTimeoutMs: number;
  core: CheckedTracker;
}

export class NodeChecks {
  readonly #o: NodeChecksOptions;
  readonly #core: CheckedTracker;
  readonly #node: NodeLookups;
  #inFlight = 0;
  #warnedStale = false;
  #warnedUnread = false;

  constructor(options: NodeChecksOptions) {
    this.#o = options;
    this.#core = options.core;
    this.#node = new NodeLookups(options.rpc, options.namespace, options.log);
  }

  /** Starts a check of each account whose oldest transaction is overdue (see the tracker's file comment). */
  scan(height: number): void {
    const now = performance.now();
    for (const account of this.#core.accounts()) {
      if (this.#inFlight >= MAX_CHECKS) return;
      const oldest = this.#core.oldest(account);
      // A send the node signs and has not answered may have replaced what the node would be asked about.
      if (oldest === undefined || account.busy || oldest.state === 'sending' || oldest.awaiting > 0 || height < oldest.nextCheck) continue;
      const overdue = now - oldest.sentAt > this.#o.receiptTimeoutMs;
      if (account.progressAt >= height && !overdue) continue;
      void this.#check(account, oldest, height, overdue);
    }
  }

  async #check(account: AccountState, entry: Entry, height: number, overdue: boolean): Promise<void> {
    account.busy = true;
    this.#inFlight += 1;
    let heal = false;
    try {
      // A re-send that starts while the node is asked replaces the hash being asked about:
      // an answer about the old hashes alone proves nothing then; ask again at the next block.
      const sends = entry.hashes.length;
      const {
        found: [found],
        latest,
      } = await this.#node.ask(account.handle.address, [entry]);
      if (!entry.live || found === undefined) return;
      if (entry.hashes.length !== sends || entry.awaiting > 0) {
        entry.nextCheck = height + 1;
        return;
      }
      if (found.kind === 'mined') {
        this.#core.settle(entry, { kind: 'mined', blockNumber: found.blockNumber, at: performance.now(), hash: found.hash });
        return;
      }
      if (found.kind === 'known') {
        if (entry.state === 'pending' && account.progressAt <= height - STARVE_BLOCKS) {
          if (latest < entry.nonce) {
            // A gap below our oldest transaction: a nonce never filled (its send was refused
            // after a resync skipped past it). Nothing behind it can be mined: heal, and the
            // account's next leases fill it. While a stopped test drains there are no leases:
            // the gap is filled now, or all above it waits out the drain (seen: 1,152 of a
            // saturating run's transactions unresolved, 2,088 gap checks in its 30 s drain).
            this.#o.log.debug({ account: account.handle.address, nonce: entry.nonce, latest }, "a nonce gap below the account's transactions");
            if (this.#core.draining()) {
              this.#core.fillGaps(account, latest);
              entry.nextCheck = height + STARVE_BLOCKS;
            } else heal = true;
            return;
          }
        }
        const stalled = entry.state === 'pending' && height - entry.sentHeight >= STARVE_BLOCKS && account.progressAt <= height - STARVE_BLOCKS;
        if (stalled && this.#core.draining()) {
          // The users have stopped: nobody leases the account to re-send, and the base fee
          // keeps rising while the pool drains. Each transaction re-sends itself; its send
          // skips the re-send when the current fee is not 10 % above what it pays.
          this.#core.resendWhere([account], () => true);
          entry.nextCheck = height + STARVE_BLOCKS;
          return;
        }
        const starving = stalled && this.#core.outbid(entry);
        if (starving) {
          // What waits behind it at the old price is outbid too: re-send all of it. Asked again
          // at every such check: a re-send the node refused (priced before a jump was seen) or
          // a resync in between leaves the account with nothing to re-send otherwise.
          for (const waiting of this.#core.entries(account)) {
            if (!this.#core.outbid(waiting)) continue;
            waiting.resendAsked = true;
            account.handle.resend(waiting.nonce);
          }
          this.#o.log.debug(
            { account: account.handle.address, nonce: entry.nonce },
            'held by the node but not mined: re-sending at its nonces with the current fee',
          );
          entry.nextCheck = height + STARVE_BLOCKS;
          return;
        }
        entry.nextCheck = height + entry.backoff;
        entry.backoff = Math.min(entry.backoff * 2, MAX_BACKOFF_BLOCKS);
        if (overdue && !this.#warnedStale) {
          this.#warnedStale = true;
          this.#o.log.warn(`transactions are pending in the node for longer than --receipt-timeout (${this.#o.receiptTimeoutMs / 1000} s); they stay followed`);
        }
        return;
      }
      if (entry.state === 'uncertain') {
        // Its send never got an answer and the node does not know it: it never was.
        this.#core.remove(entry);
        return;
      }
      // Counting the account's open entries makes a view of each: only for a log that is written.
      if (this.#o.log.isLevelEnabled('debug')) {
        this.#o.log.debug(
          {
            account: account.handle.address,
            nonce: entry.nonce,
            latest,
            ageMs: Math.round(performance.now() - entry.sentAt),
            open: this.#core.entries(account).length,
          },
          'dropped',
        );
      }
      this.#core.settle(entry, { kind: 'dropped', reason: dropReason(entry, latest, overdue, this.#o.receiptTimeoutMs) });
      heal = true;
    } catch (err) {
      // A failed read proves nothing: ask again at the next block.
      this.#warnUnread(err);
      entry.nextCheck = height + 1;
    } finally {
      this.#inFlight -= 1;
      account.busy = false;
      if (heal) this.#heal(account);
    }
  }

  /**
   * Said once: a check or heal whose reads failed is tried again a block later, so an account
   * whose transactions were dropped waits that long to send again (the blocks stay emptier).
   */
  #warnUnread(err: unknown): void {
    if (this.#warnedUnread) return;
    this.#warnedUnread = true;
    this.#o.log.warn({ err: errorMessage(err) }, "the node did not answer a check of an account's transactions: asked again at the next block");
  }

  /** Settles what the node no longer holds and rebuilds the account's nonce sequence from the chain. */
  #heal(account: AccountState): void {
    account.busy = true;
    account.handle.heal(async () => {
      try {
        const held: number[] = [];
        // All at once: after a drop storm every account asks about its whole backlog, and the
        // blocks stay empty of its transactions until the plan is made (see NodeLookups.ask).
        const asked = this.#core
          .entries(account)
          .filter((entry) => entry.state !== 'sending')
          .map((entry) => ({ entry, sends: entry.hashes.length }));
        const { found: answers, latest } = await this.#node.ask(
          account.handle.address,
          asked.map(({ entry }) => entry),
        );
        for (const [i, { entry, sends }] of asked.entries()) {
          const found = answers[i]!;
          if (!entry.live) continue;
          // Re-sent meanwhile: the node holds it by its new hash (or refused that, keeping the old).
          if ((entry.hashes.length !== sends || entry.awaiting > 0) && found.kind !== 'mined') held.push(entry.nonce);
          else if (found.kind === 'mined') this.#core.settle(entry, { kind: 'mined', blockNumber: found.blockNumber, at: performance.now(), hash: found.hash });
          else if (found.kind === 'known' && entry.nonce >= latest) held.push(entry.nonce);
          else if (entry.state === 'uncertain') this.#core.remove(entry);
          else {
            this.#o.log.debug(
              {
                account: account.handle.address,
                nonce: entry.nonce,
                latest,
                state: entry.state,
                hashes: entry.hashes.length,
                ageMs: Math.round(performance.now() - entry.sentAt),
              },
              'dropped while healing',
            );
            this.#core.settle(entry, {
              kind: 'dropped',
              reason: dropReason(entry, latest, performance.now() - entry.sentAt > this.#o.receiptTimeoutMs, this.#o.receiptTimeoutMs),
            });
          }
        }
        // Blocks came while the node was asked, one lookup at a time: what they mined is below
        // the chain's count now. A plan from the count read first would send at mined nonces
        // (seen: 18 "nonce too low" sends after a drop, beside a CPU hog).
        return planAfter(await this.#node.latestNonce(account.handle.address), held);
      } catch (err) {
        this.#warnUnread(err);
        throw err;
      } finally {
        account.busy = false;
      }
    });
  }
}

/** Failure messages name no hash or nonce: Locust groups failures by message. */
function dropReason(entry: Entry, latestNonce: number, overdue: boolean, timeoutMs: number): string {
  if (latestNonce > entry.nonce) return 'replaced: its nonce was mined by another transaction';
  if (overdue) return `dropped: not mined within ${timeoutMs / 1000} s and unknown to the node`;
  return 'dropped: the node no longer knows it (evicted from its pool)';
}

/**
 * Fill the nonces from the chain's count up to the highest one the node still holds, then go
 * on after it. A held nonce below the count has been mined since it was looked up.
 */
export function planAfter(latest: number, held: readonly number[]): NoncePlan {
  const pooled = held.filter((n) => n >= latest);
  if (pooled.length === 0) return { holes: [], next: latest };
  const taken = new Set(pooled);
  const top = Math.max(...pooled);
  const holes: number[] = [];
  for (let n = latest; n < top; n++) if (!taken.has(n)) holes.push(n);
  return { holes, next: top + 1 };
}

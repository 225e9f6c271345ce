/**
 * Chain truth: what became of every transaction this process sent. A node that accepts a
 * transaction has promised nothing; only a block holding it counts. One tracker per process
 * follows the blocks (block-follower.ts), matches their hashes against the hashes this
 * process signed, and settles each accepted transaction exactly once:
 *
 * - mined: recorded as a success under type `mined` and the test case's name, timed from the
 *   send to the moment the worker saw the block holding it;
 * - dropped: recorded as a failure of that row, when the node no longer knows it (evicted,
 *   dropped, or its nonce taken by another transaction). The account is then healed: its
 *   nonce sequence is rebuilt from the chain, so later transactions do not queue behind a gap.
 *
 * Checks cost little: an account is asked about only when its oldest transaction has had a
 * block to be mined and the latest block moved none of the account's transactions; the
 * interval doubles while the node keeps saying it still holds the transaction. Memory is the
 * backlog: a settled transaction leaves no trace but the counters.
 *
 * Starvation: a pool that orders by fee cap (anvil's default `--order fees`) mines the newest
 * of our transactions first while the base fee rises, because their caps follow it; the
 * oldest would wait until they are priced out. A transaction the node holds but has not mined
 * for STARVE_BLOCKS blocks while its account made no progress, and that newer transactions
 * outbid, is therefore re-sent at its nonce with the current fee (the account's next lease
 * fills that nonce). It stays one transaction in the counts, known by both hashes, timed from
 * its first send.
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import type { Recorder } from '../stats/recorder.js';
import { BlockFollower, type SeenBlock } from './block-follower.js';
import { parseSmallQuantity } from './quantity.js';

/** The Locust request type of the rows that say what the chain did with the transactions. */
export const MINED_TYPE = 'mined';

export type Settlement =
  | {
      readonly kind: 'mined';
      readonly blockNumber: number;
      /** performance.now() when the worker saw the block */
      readonly at: number;
      /** The hash the chain holds it by (a re-sent transaction's differs from its first). */
      readonly hash: string;
    }
  | { readonly kind: 'dropped'; readonly reason: string }
  /** Still waiting for the chain when its test ended (the transaction is still followed for the counters and the nonces). */
  | { readonly kind: 'unresolved' };

/** Where an account's nonces go on after a heal: the gaps to fill first (ascending), then `next`. */
export interface NoncePlan {
  readonly holes: readonly number[];
  readonly next: number;
}

/** The tracker's view of a test account, implemented by the nonce manager. */
export interface NonceAccount {
  readonly address: string;
  /** One more of its transactions waits for the chain. */
  pendingAdded(): void;
  /** One of its transactions was mined or dropped. */
  pendingSettled(): void;
  /** Its nonce sequence broke: hold the account until no send is in flight, then follow `replan`. */
  heal(replan: () => Promise<NoncePlan>): void;
  /** Send at `nonce` again, at the next lease (a starved transaction, re-priced). */
  resend(nonce: number): void;
  /** No need any more: the transaction at `nonce` settled first. */
  cancelResend(nonce: number): void;
}

/** A transaction about to be sent. */
export interface Expectation {
  /**
   * The hash the chain will know it by, computed at signing: lower-case 0x hex, as every signer
   * here makes it (not lower-cased again: a signer's `0x${hex}` is a cons string, and
   * toLowerCase on it went through V8's runtime, a third of what following a transaction cost).
   */
  readonly hash: string;
  readonly account: NonceAccount;
  readonly nonce: number;
  /** The test case: the name of its `mined` row. */
  readonly name: string;
  /** Told once how it ended (mined, dropped, or unresolved at the end of its test). */
  readonly onSettled?: (settlement: Settlement) => void;
  /**
   * Whether another transaction at the same nonce may stand in for it when it starves
   * (default true). A test case that checks its own transaction's effects says false.
   */
  readonly replaceable?: boolean;
  /** The most it pays per gas (fee cap or gas price): a re-send must offer more. */
  readonly maxPrice: bigint;
  /**
   * Signs a transaction of the same test case from the same account at `nonce` with the current
   * fee (skipped unless it offers 10 % more than `paid`) and sends it, recording the send on
   * `recorder`. Used while a stopped test drains: no user is left to take a re-send from the
   * nonce manager, and a starved transaction would otherwise be priced out of the pool.
   * The tracker keeps the latest one per account and test case, not one per transaction: a
   * closure held by every transaction until its block kept each send's request alive across
   * young-generation collections and cost the worker a third more GC time.
   */
  readonly resend?: Resend;
}

export type Resend = (nonce: number, paid: bigint, recorder: Recorder) => void;

/** What the send did; exactly one call. */
export interface Ticket {
  /** The node accepted it (or already knew it); `nodeHash` is what it answered. */
  accepted(nodeHash: string): void;
  /** No answer (timeout, reset): followed silently, and counted only if a block holds it. */
  uncertain(): void;
  /** The node refused it: it never reached the pool. */
  refused(): void;
}

/**
 * The process's transactions: accepted == mined + dropped + unresolved. `resent` counts the
 * accepted re-sends (of starved or priced-out transactions, or of the same bytes again; each
 * stands in for one of `accepted`), so the send rows' successes are accepted + resent.
 */
export interface TransactionCounts {
  accepted: number;
  mined: number;
  dropped: number;
  unresolved: number;
  resent: number;
}

export interface InclusionTrackerOptions {
  /** Its own client, so that its reads do not queue behind the users' sends. */
  rpc: JsonRpcClient;
  /** Namespace of the block and transaction reads: eth, kaia or klay. */
  namespace: string;
  log: Logger;
  /** Where the `mined` rows go: the process's stats. */
  recorder: Recorder;
  /** --receipt-timeout: a transaction unknown to the node after this is "not mined within" it. */
  receiptTimeoutMs: number;
  /** Head polling interval (default 100 ms). */
  pollMs?: number;
}

type EntryState = 'sending' | 'pending' | 'uncertain';

interface Entry {
  /** The hash of its latest send (the one asked about). */
  hash: string;
  /** Every hash the node may know it by: its first send's and its re-sends'. */
  readonly hashes: string[];
  readonly replaceable: boolean;
  /** The most its latest send pays per gas. */
  maxPrice: bigint;
  /** A re-send was asked for and has not been accepted yet. */
  resendAsked: boolean;
  /** The first height that could hold its latest send. */
  sentHeight: number;
  readonly nonce: number;
  readonly account: AccountState;
  readonly name: string;
  /** The test it is recorded in; CLOSED once that test has ended. */
  epoch: number;
  state: EntryState;
  readonly sentAt: number;
  /** Seen in a block while its send was still in flight (a node that mines at once). */
  seen: { readonly number: number; readonly at: number; readonly hash: string } | null;
  onSettled: ((settlement: Settlement) => void) | undefined;
  /** The height at which it is next asked about. */
  nextCheck: number;
  /** Blocks between checks while the node says it holds the transaction. */
  backoff: number;
}

interface AccountState {
  readonly handle: NonceAccount;
  /** Unsettled transactions, by nonce. */
  readonly entries: Entry[];
  /** The last height that held one of its transactions. */
  progressAt: number;
  /** A check or heal is in flight: no second one. */
  busy: boolean;
  /** The latest re-sender of each test case sending from it (see Expectation.resend). */
  readonly resenders: Map<string, Resend>;
}

const CLOSED = -1;
/** An account's oldest transaction is first asked about after this many blocks without it (one: a drop is healed before the next block). */
const FIRST_CHECK_BLOCKS = 1;
const MAX_BACKOFF_BLOCKS = 4;
/** Node reads for checks in flight at once; more suspects wait for the next block. */
const MAX_CHECKS = 256;
/** Blocks a held transaction may wait, its account making no progress, before it is re-sent. */
const STARVE_BLOCKS = 1;

export class InclusionTracker {
  readonly #o: Required<InclusionTrackerOptions>;
  readonly #follower: BlockFollower;
  readonly #byHash = new Map<string, Entry>();
  readonly #accounts = new Map<NonceAccount, AccountState>();
  readonly #blockListeners: ((block: SeenBlock) => void)[] = [];
  readonly #counts = { accepted: 0, mined: 0, dropped: 0, resent: 0 };
  /** Accepted transactions not yet settled. */
  #pending = 0;
  /** Those of them sent in the test being recorded: what a drain waits for. */
  #pendingInTest = 0;
  #epoch = 0;
  #recording = false;
  #checks = 0;
  #drainWaiters: (() => void)[] = [];
  #warnedStale = false;
  /** The price of the newest transaction: what a re-send would offer now. */
  #newestPrice = 0n;
  /** A stopped test waits for its transactions (see drain). */
  #draining = false;
  /** The base fee of the last block seen (null: none yet, or a chain without one). */
  #lastBaseFee: bigint | null = null;
  #warnedDrop = false;

  /** What a first send's ticket does, made once: a ticket is then one small object a send. */
  readonly #sends: SendOutcomes = {
    accepted: (entry, nodeHash) => {
      this.#rekey(entry, entry.hash, nodeHash.toLowerCase());
      entry.state = 'pending';
      this.#counts.accepted += 1;
      this.#pending += 1;
      if (entry.epoch !== CLOSED) this.#pendingInTest += 1;
      entry.account.handle.pendingAdded();
      if (entry.seen !== null) this.#settleSeen(entry);
    },
    uncertain: (entry) => {
      entry.state = 'uncertain';
      if (entry.seen !== null) this.#settleSeen(entry);
    },
    refused: (entry) => {
      this.#remove(entry);
    },
  };

  constructor(options: InclusionTrackerOptions) {
    this.#o = { pollMs: 100, ...options };
    this.#follower = new BlockFollower({
      rpc: options.rpc,
      namespace: options.namespace,
      log: options.log,
      pollMs: this.#o.pollMs,
      onBlock: (block) => this.#onBlock(block),
    });
  }

  /** Starts following blocks from the current head; call before the first send. */
  start(): Promise<void> {
    return this.#follower.start();
  }

  /** Told of every block as it is seen (fees follow the base fee this way). */
  onBlock(listener: (block: SeenBlock) => void): void {
    this.#blockListeners.push(listener);
  }

  /** A test starts: settlements from now on are recorded in the stats. */
  open(): void {
    this.#epoch += 1;
    this.#recording = true;
  }

  counts(): TransactionCounts {
    return { ...this.#counts, unresolved: this.#pending };
  }

  /** Registers a transaction before it is sent, so a block can never hold it unnoticed. */
  expect(tx: Expectation): Ticket {
    const hash = tx.hash;
    const existing = this.#byHash.get(hash);
    if (existing !== undefined) {
      // The same bytes again (a deterministic signature re-sent at the same nonce, e.g. two
      // drain checks re-sending before the fee moved): one transaction, followed once; this
      // send only listens for its end, and counts as a re-send if the node takes it.
      const first = existing.onSettled;
      existing.onSettled = (s) => {
        first?.(s);
        tx.onSettled?.(s);
      };
      return this.#sameBytesTicket();
    }
    this.#newestPrice = tx.maxPrice;
    const account = this.#account(tx.account);
    if (tx.resend !== undefined) account.resenders.set(tx.name, tx.resend);
    // A send at the nonce of one the node holds replaces it in the pool: it is a re-send of
    // it, whether asked for (starved, priced out) or not (a second ask served after the first).
    const last = account.entries[account.entries.length - 1];
    if (last !== undefined && tx.nonce <= last.nonce) {
      const held = account.entries.find((e) => e.nonce === tx.nonce && e.state === 'pending');
      if (held !== undefined) return this.#resendTicket(held, hash, tx.maxPrice);
    }
    const entry: Entry = {
      hash,
      hashes: [hash],
      replaceable: tx.replaceable ?? true,
      maxPrice: tx.maxPrice,
      resendAsked: false,
      sentHeight: this.#follower.nextHeight,
      nonce: tx.nonce,
      account,
      name: tx.name,
      epoch: this.#recording ? this.#epoch : CLOSED,
      state: 'sending',
      sentAt: performance.now(),
      seen: null,
      onSettled: tx.onSettled,
      nextCheck: this.#follower.nextHeight + FIRST_CHECK_BLOCKS - 1,
      backoff: 1,
    };
    this.#byHash.set(hash, entry);
    insertByNonce(account.entries, entry);
    return new SendTicket(this.#sends, entry);
  }

  /**
   * A send of bytes already followed: accepted (or "already known"), it is one more send the
   * node took for the same transaction, so `resent` keeps the send rows' successes equal to
   * accepted + resent (a saturating run's drain once recorded 23 such sends in neither).
   */
  #sameBytesTicket(): Ticket {
    let done = false;
    const end = (): boolean => {
      const first = !done;
      done = true;
      return first;
    };
    return {
      accepted: () => {
        if (end()) this.#counts.resent += 1;
      },
      uncertain: end,
      refused: end,
    };
  }

  /** The send that stands in for a starved transaction: the same entry, one more hash. */
  #resendTicket(entry: Entry, hash: string, maxPrice: bigint): Ticket {
    entry.resendAsked = false;
    entry.hashes.push(hash);
    this.#byHash.set(hash, entry);
    let done = false;
    const live = (): boolean => !done && this.#byHash.get(hash) === entry;
    const adopt = (nodeHash: string): void => {
      this.#rekey(entry, hash, nodeHash);
      entry.hash = this.#byHash.get(nodeHash) === entry ? nodeHash : hash;
      entry.maxPrice = maxPrice;
      entry.sentHeight = this.#follower.nextHeight;
      entry.nextCheck = entry.sentHeight + FIRST_CHECK_BLOCKS - 1;
      entry.backoff = 1;
    };
    return {
      accepted: (nodeHash) => {
        if (done) return;
        this.#counts.resent += 1;
        if (live()) adopt(nodeHash.toLowerCase());
        done = true;
      },
      // It may be in the pool: keep listening for it, ask about the old one.
      uncertain: () => {
        done = true;
      },
      refused: () => {
        if (live()) {
          this.#byHash.delete(hash);
          entry.hashes.splice(entry.hashes.indexOf(hash), 1);
        }
        done = true;
      },
    };
  }

  /**
   * The end of a test: waits up to `timeoutMs` (or until `signal`) for every accepted
   * transaction to settle, then stops recording. What is still open is told 'unresolved' and
   * followed on for the counters and the nonces, but recorded nowhere: a later test never
   * receives this one's settlements.
   */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#pendingInTest > 0 && timeoutMs > 0 && signal?.aborted !== true) {
      this.#draining = true;
      this.#rescueAtDrainStart();
      this.#o.log.info({ pending: this.#pendingInTest, timeoutS: timeoutMs / 1000 }, 'waiting for sent transactions to be mined (--drain-timeout)');
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          this.#drainWaiters = this.#drainWaiters.filter((w) => w !== finish);
          resolve();
        };
        const timer = setTimeout(finish, timeoutMs);
        signal?.addEventListener('abort', finish, { once: true });
        this.#drainWaiters.push(finish);
      });
    }
    const open = this.#pendingInTest;
    this.#closeTest();
    if (open > 0) this.#o.log.info({ unresolved: open }, 'transactions still unresolved at the end of the test');
  }

  /** Stops following blocks; whatever still waits is told 'unresolved'. */
  async close(): Promise<void> {
    this.#closeTest();
    await this.#follower.close();
  }

  #closeTest(): void {
    this.#draining = false;
    this.#recording = false;
    this.#pendingInTest = 0;
    for (const entry of this.#byHash.values()) {
      if (entry.epoch === CLOSED) continue;
      entry.epoch = CLOSED;
      const told = entry.onSettled;
      entry.onSettled = undefined;
      told?.({ kind: 'unresolved' });
    }
  }

  #account(handle: NonceAccount): AccountState {
    let state = this.#accounts.get(handle);
    if (state === undefined) {
      state = { handle, entries: [], progressAt: -1, busy: false, resenders: new Map() };
      this.#accounts.set(handle, state);
    }
    return state;
  }

  /**
   * The node answered with another hash than the one computed at signing: ask it by its own,
   * and match blocks by both (a node or proxy that answers oddly cannot hide a mined send).
   */
  #rekey(entry: Entry, signed: string, answered: string): void {
    if (answered === signed || this.#byHash.get(signed) !== entry || this.#byHash.has(answered)) return;
    entry.hashes.push(answered);
    if (entry.hash === signed) entry.hash = answered;
    this.#byHash.set(answered, entry);
  }

  #settleSeen(entry: Entry): void {
    const seen = entry.seen!;
    this.#settle(entry, { kind: 'mined', blockNumber: seen.number, at: seen.at, hash: seen.hash });
  }

  #onBlock(block: SeenBlock): void {
    for (const hash of block.hashes) {
      const entry = this.#byHash.get(hash);
      if (entry === undefined) continue;
      entry.account.progressAt = block.number;
      if (entry.state === 'sending') entry.seen = { number: block.number, at: block.seenAt, hash };
      else this.#settle(entry, { kind: 'mined', blockNumber: block.number, at: block.seenAt, hash });
    }
    for (const listener of this.#blockListeners) listener(block);
    // Only a rising base fee prices transactions out (a chain whose fee holds still, like Kaia
    // at rest, quotes exactly its base fee and must not be re-sent at every block).
    if (this.#draining && block.baseFee !== null && this.#lastBaseFee !== null && block.baseFee > this.#lastBaseFee) this.#rescuePricedOut(block.baseFee);
    this.#lastBaseFee = block.baseFee;
    this.#scan(block.number);
  }

  /**
   * While a stopped test drains, its backlog keeps the blocks full and the base fee rising
   * (12.5 % a block on Ethereum); a pool drops a transaction whose fee cap falls below it (anvil
   * at once, geth when it makes room), and no user is left to re-send it. One within two such
   * blocks of that re-sends itself at the current fee before it happens. (While the users run,
   * the starvation checks ask the account's next lease for a re-send, under --max-rps.)
   */
  #rescuePricedOut(baseFee: bigint): void {
    for (const account of this.#accounts.values()) {
      for (const entry of account.entries) {
        if (entry.state !== 'pending' || !entry.replaceable || entry.maxPrice * 4n >= baseFee * 5n) continue;
        entry.resendAsked = true;
        this.#resendNow(account, entry);
      }
    }
  }

  /**
   * The users have just stopped. A re-send a starvation check asked of an account's next lease
   * will never be leased now, the next block may price out what is near the last base fee
   * before the drain sees a rise, and what newer transactions outbid is mined last, so the
   * rising fee reaches it first: all of them re-send themselves at once. (Seen in saturating
   * runs: a check asked a lease re-send 6 ms before the users stopped, and the next block
   * evicted it; once more a drop a second into the drain with none of that asked.)
   */
  #rescueAtDrainStart(): void {
    const baseFee = this.#lastBaseFee;
    for (const account of this.#accounts.values()) {
      for (const entry of account.entries) {
        if (entry.state !== 'pending' || !entry.replaceable) continue;
        const nearCap = baseFee !== null && entry.maxPrice * 4n < baseFee * 5n;
        if (!entry.resendAsked && !nearCap && !this.#outbid(entry)) continue;
        entry.resendAsked = true;
        this.#resendNow(account, entry);
      }
    }
  }

  /** A re-send of `entry` by its own sender, recorded on the tracker's recorder (see Expectation.resend). */
  #resendNow(account: AccountState, entry: Entry): void {
    account.resenders.get(entry.name)?.(entry.nonce, entry.maxPrice, this.#o.recorder);
  }

  /** Starts a check of each account whose oldest transaction is overdue (see the file comment). */
  #scan(height: number): void {
    const now = performance.now();
    for (const account of this.#accounts.values()) {
      if (this.#checks >= MAX_CHECKS) return;
      const oldest = account.entries[0];
      if (oldest === undefined || account.busy || oldest.state === 'sending' || height < oldest.nextCheck) continue;
      const overdue = now - oldest.sentAt > this.#o.receiptTimeoutMs;
      if (account.progressAt >= height && !overdue) continue;
      void this.#check(account, oldest, height, overdue);
    }
  }

  async #check(account: AccountState, entry: Entry, height: number, overdue: boolean): Promise<void> {
    account.busy = true;
    this.#checks += 1;
    let heal = false;
    try {
      // A re-send that starts while the node is asked replaces the hash being asked about:
      // an answer about the old hashes alone proves nothing then; ask again at the next block.
      const sends = entry.hashes.length;
      const found = await this.#lookUp(entry);
      if (!this.#tracked(entry)) return;
      if (entry.hashes.length !== sends) {
        entry.nextCheck = height + 1;
        return;
      }
      if (found.kind === 'mined') {
        this.#settle(entry, { kind: 'mined', blockNumber: found.blockNumber, at: performance.now(), hash: found.hash });
        return;
      }
      if (found.kind === 'known') {
        if (entry.state === 'pending' && account.progressAt <= height - STARVE_BLOCKS) {
          const latest = await this.#latestNonce(account.handle.address);
          if (!this.#tracked(entry)) return;
          if (latest < entry.nonce) {
            // A gap below our oldest transaction: a nonce never filled (its send was refused
            // after a resync skipped past it). Nothing behind it can be mined: heal.
            this.#o.log.debug({ account: account.handle.address, nonce: entry.nonce, latest }, "a nonce gap below the account's transactions");
            heal = true;
            return;
          }
        }
        const stalled = entry.state === 'pending' && height - entry.sentHeight >= STARVE_BLOCKS && account.progressAt <= height - STARVE_BLOCKS;
        if (stalled && this.#draining) {
          // The users have stopped: nobody leases the account to re-send, and the base fee
          // keeps rising while the pool drains. Each transaction re-sends itself; its send
          // skips the re-send when the current fee is not 10 % above what it pays.
          for (const waiting of account.entries) {
            if (waiting.state !== 'pending' || !waiting.replaceable) continue;
            waiting.resendAsked = true;
            this.#resendNow(account, waiting);
          }
          entry.nextCheck = height + STARVE_BLOCKS;
          return;
        }
        const starving = stalled && this.#outbid(entry);
        if (starving) {
          // What waits behind it at the old price is outbid too: re-send all of it. Asked again
          // at every such check: a re-send the node refused (priced before a jump was seen) or
          // a resync in between leaves the account with nothing to re-send otherwise.
          for (const waiting of account.entries) {
            if (!this.#outbid(waiting)) continue;
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
        this.#remove(entry);
        return;
      }
      const latest = await this.#latestNonce(account.handle.address);
      if (!this.#tracked(entry)) return;
      if (entry.hashes.length !== sends) {
        entry.nextCheck = height + 1;
        return;
      }
      this.#o.log.debug(
        { account: account.handle.address, nonce: entry.nonce, latest, ageMs: Math.round(performance.now() - entry.sentAt), open: account.entries.length },
        'dropped',
      );
      this.#settle(entry, { kind: 'dropped', reason: dropReason(entry, latest, overdue, this.#o.receiptTimeoutMs) });
      heal = true;
    } catch {
      // A failed read proves nothing: ask again at the next block.
      entry.nextCheck = height + 1;
    } finally {
      this.#checks -= 1;
      account.busy = false;
      if (heal) this.#heal(account);
    }
  }

  /** Settles what the node no longer holds and rebuilds the account's nonce sequence from the chain. */
  #heal(account: AccountState): void {
    account.busy = true;
    account.handle.heal(async () => {
      try {
        const latest = await this.#latestNonce(account.handle.address);
        const held: number[] = [];
        for (const entry of [...account.entries]) {
          if (entry.state === 'sending') continue;
          const sends = entry.hashes.length;
          const found = await this.#lookUp(entry);
          if (!this.#tracked(entry)) continue;
          // Re-sent meanwhile: the node holds it by its new hash (or refused that, keeping the old).
          if (entry.hashes.length !== sends && found.kind !== 'mined') {
            if (entry.nonce >= latest) held.push(entry.nonce);
          } else if (found.kind === 'mined') this.#settle(entry, { kind: 'mined', blockNumber: found.blockNumber, at: performance.now(), hash: found.hash });
          else if (found.kind === 'known' && entry.nonce >= latest) held.push(entry.nonce);
          else if (entry.state === 'uncertain') this.#remove(entry);
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
            this.#settle(entry, {
              kind: 'dropped',
              reason: dropReason(entry, latest, performance.now() - entry.sentAt > this.#o.receiptTimeoutMs, this.#o.receiptTimeoutMs),
            });
          }
        }
        return planAfter(latest, held);
      } finally {
        account.busy = false;
      }
    });
  }

  /** What the node says of the entry, by any of its hashes (the latest first). */
  async #lookUp(entry: Entry): Promise<{ kind: 'mined'; blockNumber: number; hash: string } | { kind: 'known' } | { kind: 'unknown' }> {
    const method = `${this.#o.namespace}_getTransactionByHash`;
    let known = false;
    for (const hash of [...entry.hashes].reverse()) {
      const { result } = await this.#o.rpc.call(method, [hash]);
      if (result === null) continue;
      if (typeof result !== 'object') throw new Error(`invalid ${method} result`);
      const { blockNumber } = result as { blockNumber?: unknown };
      if (blockNumber === null || blockNumber === undefined) known = true;
      else return { kind: 'mined', blockNumber: parseSmallQuantity(blockNumber, `${method} blockNumber`), hash };
    }
    return { kind: known ? 'known' : 'unknown' };
  }

  /**
   * Newer transactions offer at least 10 % more per gas than this one (the replacement rule of
   * geth-like pools; anvil wants any increase): a re-send at today's price would overtake.
   */
  #outbid(entry: Entry): boolean {
    return entry.replaceable && entry.state === 'pending' && entry.maxPrice * 11n <= this.#newestPrice * 10n;
  }

  #tracked(entry: Entry): boolean {
    return this.#byHash.get(entry.hash) === entry;
  }

  async #latestNonce(address: string): Promise<number> {
    const method = `${this.#o.namespace}_getTransactionCount`;
    return parseSmallQuantity((await this.#o.rpc.call(method, [address, 'latest'])).result, `${method} result`);
  }

  #settle(entry: Entry, settlement: Exclude<Settlement, { kind: 'unresolved' }>): void {
    if (!this.#remove(entry)) return;
    if (entry.state === 'uncertain') {
      if (settlement.kind !== 'mined') return;
      // Its send failed without an answer, yet a block holds it: the chain says it was accepted.
      this.#counts.accepted += 1;
    } else {
      this.#pending -= 1;
      if (entry.epoch !== CLOSED) this.#pendingInTest -= 1;
      entry.account.handle.pendingSettled();
    }
    if (settlement.kind === 'mined') this.#counts.mined += 1;
    else {
      this.#counts.dropped += 1;
      if (!this.#warnedDrop) {
        this.#warnedDrop = true;
        this.#o.log.warn(
          { reason: settlement.reason },
          'the node dropped transactions it had accepted: they are failures of the mined rows, and the accounts resync',
        );
      }
    }
    if (this.#recording && entry.epoch === this.#epoch) {
      const ms = Math.max(0, (settlement.kind === 'mined' ? settlement.at : performance.now()) - entry.sentAt);
      if (settlement.kind === 'mined') this.#o.recorder.success(MINED_TYPE, entry.name, ms, 0);
      else this.#o.recorder.failure(MINED_TYPE, entry.name, ms, settlement.reason);
    }
    const told = entry.onSettled;
    entry.onSettled = undefined;
    told?.(settlement);
    if (this.#pendingInTest === 0) for (const wake of [...this.#drainWaiters]) wake();
  }

  #remove(entry: Entry): boolean {
    if (!this.#tracked(entry)) return false;
    for (const hash of entry.hashes) if (this.#byHash.get(hash) === entry) this.#byHash.delete(hash);
    if (entry.resendAsked) {
      entry.resendAsked = false;
      entry.account.handle.cancelResend(entry.nonce);
    }
    const list = entry.account.entries;
    const at = list.indexOf(entry);
    if (at === 0) list.shift();
    else if (at > 0) list.splice(at, 1);
    return true;
  }
}

/** Failure messages name no hash or nonce: Locust groups failures by message. */
function dropReason(entry: Entry, latestNonce: number, overdue: boolean, timeoutMs: number): string {
  if (latestNonce > entry.nonce) return 'replaced: its nonce was mined by another transaction';
  if (overdue) return `dropped: not mined within ${timeoutMs / 1000} s and unknown to the node`;
  return 'dropped: the node no longer knows it (evicted from its pool)';
}

/** Fill the nonces from the chain's count up to the highest one the node still holds, then go on after it. */
export function planAfter(latest: number, held: readonly number[]): NoncePlan {
  if (held.length === 0) return { holes: [], next: latest };
  const taken = new Set(held);
  const top = Math.max(...held);
  const holes: number[] = [];
  for (let n = latest; n < top; n++) if (!taken.has(n)) holes.push(n);
  return { holes, next: top + 1 };
}

interface SendOutcomes {
  accepted(entry: Entry, nodeHash: string): void;
  uncertain(entry: Entry): void;
  refused(entry: Entry): void;
}

/** The ticket of a first send: the first call counts. */
class SendTicket implements Ticket {
  #done = false;
  constructor(
    private readonly outcomes: SendOutcomes,
    private readonly entry: Entry,
  ) {}

  accepted(nodeHash: string): void {
    if (this.#take()) this.outcomes.accepted(this.entry, nodeHash);
  }

  uncertain(): void {
    if (this.#take()) this.outcomes.uncertain(this.entry);
  }

  refused(): void {
    if (this.#take()) this.outcomes.refused(this.entry);
  }

  #take(): boolean {
    if (this.#done) return false;
    this.#done = true;
    return true;
  }
}

function insertByNonce(list: Entry[], entry: Entry): void {
  const last = list[list.length - 1];
  if (last === undefined || last.nonce < entry.nonce) {
    list.push(entry);
    return;
  }
  let i = list.length;
  while (i > 0 && list[i - 1]!.nonce > entry.nonce) i--;
  list.splice(i, 0, entry);
}

/**
 * Chain truth: what became of every transaction this process sent. A node that accepts a
 * transaction has promised nothing; only a block holding it counts. One tracker per process
 * follows the blocks (../block-follower.ts), matches their hashes against the hashes this
 * process signed, and settles each accepted transaction exactly once:
 *
 * - mined: recorded as a success under type `mined` and the test case's name, timed from the
 *   send to the moment the worker saw the block holding it;
 * - dropped: recorded as a failure of that row, when the node no longer knows it (evicted,
 *   dropped, or its nonce taken by another transaction). The account is then healed: its
 *   nonce sequence is rebuilt from the chain, so later transactions do not queue behind a gap.
 *
 * Checks cost little (node-checks.ts): an account is asked about only when its oldest
 * transaction has had a block to be mined and the latest block moved none of the account's
 * transactions; the interval doubles while the node keeps saying it still holds the
 * transaction. Memory is the backlog: a settled transaction leaves no trace but the counters.
 *
 * Starvation: a pool that orders by fee cap (anvil's default `--order fees`) mines the newest
 * of our transactions first while the base fee rises, because their caps follow it; the
 * oldest would wait until they are priced out. A transaction the node holds but has not mined
 * for STARVE_BLOCKS blocks while its account made no progress, and that newer transactions
 * outbid, is therefore re-sent at its nonce with the current fee (the account's next lease
 * fills that nonce). It stays one transaction in the counts, known by both hashes, timed from
 * its first send (the tickets of such sends: resend-tickets.ts).
 *
 * Node-signed transactions (eth_sendTransaction) have no hash until the node answers the send.
 * They are registered before the send all the same (under a placeholder no block holds), and
 * the blocks seen meanwhile are remembered for the answer (awaited-answers.ts).
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../../rpc/json-rpc.js';
import type { Recorder } from '../../stats/recorder.js';
import { settledWithin } from '../../util/settled-within.js';
import { BlockFollower, type BlockFollowerOptions, type SeenBlock } from '../block-follower.js';
import { AwaitedAnswers } from './awaited-answers.js';
import { type AccountState, CLOSED, type Entry, FIRST_CHECK_BLOCKS, insertByNonce, type SendOutcomes, SendTicket } from './entry.js';
import { HashIndex } from './hash-index.js';
import { type CheckedTracker, NodeChecks } from './node-checks.js';
import { fillGaps, nearFeeCap, outbid, resendWhere } from './rescue.js';
import { type ResendBooks, resendTicket, sameBytesTicket } from './resend-tickets.js';
import { type Expectation, MINED_TYPE, type NonceAccount, type Settlement, type Ticket, type TransactionCounts } from './types.js';

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
  /** --ws-endpoint: heads announced by the node (see ../block-follower.ts); null: polling only. */
  newHeads?: BlockFollowerOptions['newHeads'];
}

export class InclusionTracker {
  readonly #o: Required<InclusionTrackerOptions>;
  readonly #follower: BlockFollower;
  readonly #checks: NodeChecks;
  readonly #byHash = new HashIndex<Entry>();
  readonly #accounts = new Map<NonceAccount, AccountState>();
  readonly #blockListeners: ((block: SeenBlock) => void)[] = [];
  readonly #counts = { accepted: 0, mined: 0, dropped: 0, resent: 0 };
  /** Accepted transactions not yet settled. */
  #pending = 0;
  /** Those of them sent in the test being recorded: what a drain waits for. */
  #pendingInTest = 0;
  #epoch = 0;
  #recording = false;
  #drainWaiters: (() => void)[] = [];
  /** What test cases still do with settled transactions of the test being recorded (see Expectation.onSettled). */
  readonly #followUps = new Set<Promise<void>>();
  /** The price of the newest transaction: what a re-send would offer now. */
  #newestPrice = 0n;
  /** A stopped test waits for its transactions (see drain). */
  #draining = false;
  /** The base fee of the last block seen (null: none yet, or a chain without one). */
  #lastBaseFee: bigint | null = null;
  #warnedDrop = false;
  #warnedUnanswered = false;
  /** Sends the node signs whose answer (their hash) is awaited, and the blocks seen meanwhile. */
  readonly #awaited = new AwaitedAnswers();
  /** Numbers the keys a node-signed transaction is registered under until its hash is known. */
  #placeholders = 0;

  /** The re-send tickets' narrow view of the books (resend-tickets.ts). */
  readonly #books: ResendBooks = {
    holder: (hash) => this.#byHash.get(hash),
    follow: (hash, entry) => void this.#byHash.set(hash, entry),
    unfollow: (hash) => void this.#byHash.delete(hash),
    nextHeight: () => this.#follower.nextHeight,
    countResent: () => void (this.#counts.resent += 1),
    rekey: (entry, signed, answered) => this.#rekey(entry, signed, answered),
    tracked: (entry) => this.#tracked(entry),
    settle: (entry, settlement) => this.#settle(entry, settlement),
    awaitAnswer: (token) => this.#awaited.await(token, this.#follower.nextHeight),
    answered: (token, nodeHash) => this.#awaited.answered(token, nodeHash),
  };

  /** What a first send's ticket does, made once: a ticket is then one small object a send. */
  readonly #sends: SendOutcomes = {
    accepted: (entry, nodeHash) => {
      if (entry.awaiting > 0) {
        if (!this.#takeNodeHash(entry, nodeHash.toLowerCase())) return;
      } else if (nodeHash !== entry.hash) this.#rekey(entry, entry.hash, nodeHash.toLowerCase());
      entry.state = 'pending';
      this.#counts.accepted += 1;
      this.#pending += 1;
      if (entry.epoch !== CLOSED) this.#pendingInTest += 1;
      entry.account.handle.pendingAdded();
      if (entry.seen !== null) this.#settleSeen(entry);
    },
    uncertain: (entry) => {
      if (entry.awaiting > 0) {
        // Signed by the node, and no answer: nothing says which hash to look for.
        entry.awaiting -= 1;
        this.#awaited.answered(entry, null);
        this.#remove(entry);
        this.#warnUnanswered();
        return;
      }
      entry.state = 'uncertain';
      if (entry.seen !== null) this.#settleSeen(entry);
    },
    refused: (entry) => {
      if (entry.awaiting > 0) {
        entry.awaiting -= 1;
        this.#awaited.answered(entry, null);
      }
      this.#remove(entry);
    },
  };

  constructor(options: InclusionTrackerOptions) {
    this.#o = { pollMs: 100, newHeads: null, ...options };
    this.#follower = new BlockFollower({
      rpc: options.rpc,
      namespace: options.namespace,
      log: options.log,
      pollMs: this.#o.pollMs,
      newHeads: this.#o.newHeads,
      onBlock: (block) => this.#onBlock(block),
    });
    // The checks reach the tracker's private state only through this narrow view.
    const core: CheckedTracker = {
      accounts: () => this.#accounts.values(),
      draining: () => this.#draining,
      tracked: (entry) => this.#tracked(entry),
      outbid: (entry) => outbid(entry, this.#newestPrice),
      settle: (entry, settlement) => this.#settle(entry, settlement),
      remove: (entry) => this.#remove(entry),
      resendWhere: (accounts, which) => resendWhere(accounts, which, this.#o.recorder),
      fillGaps: (account, latest) => fillGaps(account, latest, this.#o.recorder),
    };
    this.#checks = new NodeChecks({ rpc: options.rpc, namespace: options.namespace, log: options.log, receiptTimeoutMs: options.receiptTimeoutMs, core });
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
    const account = this.#account(tx.account);
    const last = account.entries[account.entries.length - 1];
    // Only a send at a nonce the account already has in flight can repeat bytes or replace a
    // transaction (a hash commits to sender and nonce); the usual send, at a new nonce above
    // them all, skips both lookups.
    const atHeldNonce = last !== undefined && tx.nonce <= last.nonce;
    const existing = atHeldNonce && hash !== null ? this.#byHash.get(hash) : undefined;
    if (existing !== undefined) {
      // The same bytes again (a deterministic signature re-sent at the same nonce, e.g. two
      // drain checks re-sending before the fee moved): one transaction, followed once; this
      // send only listens for its end, and counts as a re-send if the node takes it.
      const first = existing.onSettled;
      const second = tx.onSettled;
      existing.onSettled = (s) => {
        const followUps = [first?.(s), second?.(s)].filter((f) => f !== undefined);
        return followUps.length === 0 ? undefined : Promise.all(followUps).then(() => undefined);
      };
      return sameBytesTicket(this.#books);
    }
    this.#newestPrice = tx.maxPrice;
    // The first re-sender of each test case is kept: each send brings a new one (it closes over
    // its request), and any of them signs a transaction of that test case from this account.
    if (tx.resend !== undefined && !account.resenders.has(tx.name)) account.resenders.set(tx.name, tx.resend);
    // A send at the nonce of one the node holds replaces it in the pool: it is a re-send of
    // it, whether asked for (starved, priced out) or not (a second ask served after the first).
    if (atHeldNonce) {
      const held = account.entries.find((e) => e.nonce === tx.nonce && e.state === 'pending');
      if (held !== undefined) return resendTicket(this.#books, held, hash, tx.maxPrice);
    }
    // A node-signed one is followed under a key of its own until the node says its hash.
    const key = hash ?? `node-signed:${++this.#placeholders}`;
    const entry: Entry = {
      hash: key,
      hashes: [key],
      replaceable: tx.replaceable ?? true,
      maxPrice: tx.maxPrice,
      resendAsked: false,
      awaiting: hash === null ? 1 : 0,
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
    this.#byHash.set(key, entry);
    insertByNonce(account.entries, entry);
    if (hash === null) this.#awaited.await(entry, entry.sentHeight);
    return new SendTicket(this.#sends, entry);
  }

  /**
   * The node answered a send it signed with `nodeHash`: the entry is followed under it from
   * now on, and is seen mined if a block already held it. false: another entry already has
   * that hash (the node answered with one it gave before), so this one is no transaction of
   * its own and leaves the books like the same bytes sent twice.
   */
  #takeNodeHash(entry: Entry, nodeHash: string): boolean {
    entry.awaiting -= 1;
    const seen = this.#awaited.answered(entry, nodeHash);
    if (this.#byHash.has(nodeHash)) {
      this.#remove(entry);
      this.#counts.resent += 1;
      return false;
    }
    this.#byHash.delete(entry.hash);
    entry.hashes.splice(0, entry.hashes.length, nodeHash);
    this.#byHash.set(nodeHash, entry);
    entry.hash = nodeHash;
    if (seen !== undefined) entry.seen = { number: seen.number, at: seen.at, hash: nodeHash };
    return true;
  }

  #warnUnanswered(): void {
    if (this.#warnedUnanswered) return;
    this.#warnedUnanswered = true;
    this.#o.log.warn(
      'a send the node signs had no answer: its hash is unknown, so it cannot be followed (should the node have taken it, the chain holds a transaction no mined row counts)',
    );
  }

  /**
   * The end of a test: waits up to `timeoutMs` (or until `signal`) for every accepted
   * transaction to settle, then stops recording. What is still open is told 'unresolved' and
   * followed on for the counters and the nonces, but recorded nowhere: a later test never
   * receives this one's settlements.
   */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = performance.now() + timeoutMs;
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
    // What settled may still be at work in its test case (a receipt read, a check) before it is
    // recorded: within what is left of the timeout, that record belongs to this test too (one
    // was seen landing after the last report of a confirmed test case's run).
    const left = deadline - performance.now();
    if (this.#followUps.size > 0 && left > 0 && signal?.aborted !== true) await settledWithin(this.#followUps, left, signal);
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
      // Nothing of a closed test is recorded: its follow-up is not waited for.
      void told?.({ kind: 'unresolved' });
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
    this.#settleMined(entry, seen.number, seen.at, seen.hash);
  }

  #onBlock(block: SeenBlock): void {
    // Kept only while a node-signed send awaits its answer (its hash may be one of them).
    const unclaimed: string[] | null = this.#awaited.waiting ? [] : null;
    for (const hash of block.hashes) {
      const entry = this.#byHash.get(hash);
      if (entry === undefined) {
        unclaimed?.push(hash);
        continue;
      }
      entry.account.progressAt = block.number;
      if (entry.state === 'sending') entry.seen = { number: block.number, at: block.seenAt, hash };
      else this.#settleMined(entry, block.number, block.seenAt, hash);
    }
    if (unclaimed !== null) this.#awaited.unclaimed(block.number, block.seenAt, unclaimed);
    for (const listener of this.#blockListeners) listener(block);
    // Only a rising base fee prices transactions out (a chain whose fee holds still, like Kaia
    // at rest, quotes exactly its base fee and must not be re-sent at every block).
    if (this.#draining && block.baseFee !== null && this.#lastBaseFee !== null && block.baseFee > this.#lastBaseFee) this.#rescuePricedOut(block.baseFee);
    this.#lastBaseFee = block.baseFee;
    this.#checks.scan(block.number);
  }

  /**
   * While a stopped test drains, its backlog keeps the blocks full and the base fee rising
   * (12.5 % a block on Ethereum); a pool drops a transaction whose fee cap falls below it (anvil
   * at once, geth when it makes room), and no user is left to re-send it. One within two such
   * blocks of that re-sends itself at the current fee before it happens. (While the users run,
   * the starvation checks ask the account's next lease for a re-send, under --max-rps.)
   */
  #rescuePricedOut(baseFee: bigint): void {
    resendWhere(this.#accounts.values(), (entry) => nearFeeCap(entry, baseFee), this.#o.recorder);
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
    resendWhere(
      this.#accounts.values(),
      (entry) => entry.resendAsked || (baseFee !== null && nearFeeCap(entry, baseFee)) || outbid(entry, this.#newestPrice),
      this.#o.recorder,
    );
  }

  #tracked(entry: Entry): boolean {
    return this.#byHash.get(entry.hash) === entry;
  }

  #settle(entry: Entry, settlement: Exclude<Settlement, { kind: 'unresolved' }>): void {
    if (settlement.kind === 'mined') {
      this.#settleMined(entry, settlement.blockNumber, settlement.at, settlement.hash, settlement);
      return;
    }
    if (!this.#remove(entry) || entry.state === 'uncertain') return;
    this.#unpend(entry);
    this.#counts.dropped += 1;
    if (!this.#warnedDrop) {
      this.#warnedDrop = true;
      this.#o.log.warn(
        { reason: settlement.reason },
        'the node dropped transactions it had accepted: they are failures of the mined rows, and the accounts resync',
      );
    }
    if (this.#recording && entry.epoch === this.#epoch) {
      this.#o.recorder.failure(MINED_TYPE, entry.name, Math.max(0, performance.now() - entry.sentAt), settlement.reason);
    }
    this.#tell(entry, settlement);
  }

  /**
   * A block holds it. The settlement object is made only for a test case that listens: most
   * (valueTransfer) do not, and this runs for every transaction sent.
   */
  #settleMined(entry: Entry, blockNumber: number, at: number, hash: string, settlement?: Settlement): void {
    if (!this.#remove(entry)) return;
    // Its send failed without an answer, yet a block holds it: the chain says it was accepted.
    if (entry.state === 'uncertain') this.#counts.accepted += 1;
    else this.#unpend(entry);
    this.#counts.mined += 1;
    if (this.#recording && entry.epoch === this.#epoch) this.#o.recorder.success(MINED_TYPE, entry.name, Math.max(0, at - entry.sentAt), 0);
    if (entry.onSettled !== undefined) this.#tell(entry, settlement ?? { kind: 'mined', blockNumber, at, hash });
    else if (this.#pendingInTest === 0) this.#wakeDrain();
  }

  /** One accepted transaction fewer waits for the chain. */
  #unpend(entry: Entry): void {
    this.#pending -= 1;
    if (entry.epoch !== CLOSED) this.#pendingInTest -= 1;
    entry.account.handle.pendingSettled();
  }

  #wakeDrain(): void {
    for (const wake of [...this.#drainWaiters]) wake();
  }

  /** Tells the test case how its transaction ended; what it still does then belongs to this test's drain. */
  #tell(entry: Entry, settlement: Settlement): void {
    const told = entry.onSettled;
    entry.onSettled = undefined;
    const followUp = told?.(settlement);
    if (followUp !== undefined && this.#recording && entry.epoch === this.#epoch) {
      const done = (): void => {
        this.#followUps.delete(followUp);
      };
      this.#followUps.add(followUp);
      followUp.then(done, done);
    }
    if (this.#pendingInTest === 0) this.#wakeDrain();
  }

  #remove(entry: Entry): boolean {
    if (!this.#tracked(entry)) return false;
    // The usual entry has one hash, just found to be its own.
    if (entry.hashes.length === 1) this.#byHash.delete(entry.hash);
    else for (const hash of entry.hashes) if (this.#byHash.get(hash) === entry) this.#byHash.delete(hash);
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

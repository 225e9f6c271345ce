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
 * transaction. Memory is the backlog: a settled transaction leaves no trace but the counters
 * (its row in the entry table, entry.ts, is reused by a later one; the table keeps the size
 * of the largest backlog seen).
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
import type { BatchRecorder } from '../../stats/recorder.js';
import { BlockFollower, type BlockFollowerOptions, type SeenBlock } from '../block-follower.js';
import { HASH_WORDS } from '../encoding/hash-words.js';
import { AwaitedAnswers } from './awaited-answers.js';
import { entriesOf, type Entry, viewOf } from './entry.js';
import { CLOSED, EntryTable, type Listener, PENDING, SENDING, UNCERTAIN } from './entry-table.js';
import { MinedBatch } from './mined-batch.js';
import { type CheckedTracker, NodeChecks } from './node-checks.js';
import { RecordedTest } from './recorded-test.js';
import { fillGaps, nearFeeCap, outbid, resendWhere } from './rescue.js';
import { type ResendBooks, resendTicket, sameBytesTicket } from './resend-tickets.js';
import { type SendOutcomes, SendTicket } from './send-ticket.js';
import { type Expectation, MINED_TYPE, type NonceAccount, type Settlement, type Ticket, type TransactionCounts } from './types.js';

export interface InclusionTrackerOptions {
  /** Its own client, so that its reads do not queue behind the users' sends. */
  rpc: JsonRpcClient;
  /** Namespace of the block and transaction reads: eth, kaia or klay. */
  namespace: string;
  log: Logger;
  /** Where the `mined` rows go: the process's stats. */
  recorder: BatchRecorder;
  /** --receipt-timeout: a transaction unknown to the node after this is "not mined within" it. */
  receiptTimeoutMs: number;
  /** Head polling interval while no block is due (default 100 ms; see ../head-clock.ts). */
  pollMs?: number;
  /** --ws-endpoint: heads announced by the node (see ../block-follower.ts); null: polling only. */
  newHeads?: BlockFollowerOptions['newHeads'];
}

export class InclusionTracker {
  readonly #o: Required<InclusionTrackerOptions>;
  readonly #follower: BlockFollower;
  readonly #checks: NodeChecks;
  /** The transactions followed, and the index of their hashes (entry.ts). */
  readonly #t = new EntryTable();
  readonly #blockListeners: ((block: SeenBlock) => void)[] = [];
  readonly #counts = { accepted: 0, mined: 0, dropped: 0, resent: 0 };
  /** Accepted transactions not yet settled. */
  #pending = 0;
  /** The test being recorded: whose settlements go to the stats, what its end waits for. */
  readonly #test = new RecordedTest();
  /** The price of the newest transaction: what a re-send would offer now. */
  #newestPrice = 0n;
  /** The base fee of the last block seen (null: none yet, or a chain without one). */
  #lastBaseFee: bigint | null = null;
  #warnedDrop = false;
  #warnedUnanswered = false;
  /** Sends the node signs whose answer (their hash) is awaited, and the blocks seen meanwhile. */
  readonly #awaited = new AwaitedAnswers();
  /** The `mined` successes, a block's recorded together. */
  readonly #mined: MinedBatch;

  /** The re-send tickets' narrow view of the books (resend-tickets.ts). */
  readonly #books: ResendBooks = {
    followed: (hash) => this.#t.index.has(hash),
    nextHeight: () => this.#follower.nextHeight,
    countResent: () => void (this.#counts.resent += 1),
    rekey: (entry, signed, answered) => {
      if (entry.live) this.#rekey(entry.slot, signed, answered);
    },
    settle: (entry, settlement) => this.#settle(entry, settlement),
    awaitAnswer: (token) => this.#awaited.await(token, this.#follower.nextHeight),
    answered: (token, nodeHash) => this.#awaited.answered(token, nodeHash),
  };

  /** What a first send's ticket does, made once: a ticket is then one small object a send. */
  readonly #sends: SendOutcomes = {
    accepted: (slot, ref, nodeHash, signedHash) => {
      const t = this.#t;
      if (t.slotOf(ref) !== slot) return;
      if (t.awaiting(slot) > 0) {
        if (!this.#takeNodeHash(slot, ref, nodeHash.toLowerCase())) return;
      } else if (nodeHash !== signedHash) this.#rekey(slot, signedHash!, nodeHash.toLowerCase());
      t.setState(slot, PENDING);
      this.#counts.accepted += 1;
      this.#pending += 1;
      this.#test.accepted(t.epoch(slot));
      if (t.seen.size > 0) this.#settleSeen(slot);
    },
    uncertain: (slot, ref) => {
      const t = this.#t;
      if (t.slotOf(ref) !== slot) return;
      if (this.#answeredWithoutHash(slot, ref)) {
        // Signed by the node, and no answer: nothing says which hash to look for.
        this.#remove(slot);
        this.#warnUnanswered();
        return;
      }
      // It may be in the node's pool all the same: it keeps its account's --max-pending place
      // until it settles (seen: a saturating run's pool at 3,201 for 200 accounts × 16).
      t.setState(slot, UNCERTAIN);
      if (t.seen.size > 0) this.#settleSeen(slot);
    },
    refused: (slot, ref) => {
      if (this.#t.slotOf(ref) !== slot) return;
      this.#answeredWithoutHash(slot, ref);
      this.#remove(slot);
    },
  };

  /** A send ended with no hash from the node: a node-signed one stops awaiting it (true), with nothing to follow it by. */
  #answeredWithoutHash(slot: number, ref: number): boolean {
    const t = this.#t;
    if (t.awaiting(slot) === 0) return false;
    t.setAwaiting(slot, t.awaiting(slot) - 1);
    this.#awaited.answered(ref, null);
    return true;
  }

  constructor(options: InclusionTrackerOptions) {
    this.#o = { pollMs: 100, newHeads: null, ...options };
    this.#mined = new MinedBatch(options.recorder);
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
      accounts: () => this.#t.accounts,
      entries: (account) => entriesOf(this.#t, account),
      oldest: (account) => {
        const slot = this.#t.lists.first(account.id);
        return slot < 0 ? undefined : viewOf(this.#t, slot);
      },
      draining: () => this.#test.draining,
      outbid: (entry) => outbid(entry, this.#newestPrice),
      settle: (entry, settlement) => this.#settle(entry, settlement),
      remove: (entry) => entry.live && this.#remove(entry.slot),
      resendWhere: (accounts, which) => resendWhere(this.#t, accounts, which, this.#o.recorder),
      fillGaps: (account, latest) => fillGaps(this.#t, account, latest, this.#o.recorder),
    };
    this.#checks = new NodeChecks({ rpc: options.rpc, namespace: options.namespace, log: options.log, receiptTimeoutMs: options.receiptTimeoutMs, core });
  }

  /** Starts following blocks from the current head; call before the first send. */
  start(): Promise<void> {
    return this.#follower.start();
  }

  /** Told of every block as it is seen (fees follow the base fee this way); returns what stops telling it. */
  onBlock(listener: (block: SeenBlock) => void): () => void {
    this.#blockListeners.push(listener);
    return () => {
      const at = this.#blockListeners.indexOf(listener);
      if (at >= 0) this.#blockListeners.splice(at, 1);
    };
  }

  /** A test starts: settlements from now on are recorded in the stats. */
  open(): void {
    this.#test.open();
  }

  counts(): TransactionCounts {
    return { ...this.#counts, unresolved: this.#pending };
  }

  /**
   * Whether the chain left any of ours behind by block `height`: an accepted transaction still
   * unmined though it was sent before block height − 2 was seen, so that at least one block
   * built after its send did not take it (one more block allows for the worker seeing a block
   * after the node built it). An account's oldest entry is the one that would be.
   */
  leftBehind(height: number): boolean {
    const t = this.#t;
    for (const account of t.accounts) {
      const slot = t.lists.first(account.id);
      if (slot >= 0 && t.state(slot) === PENDING && t.sentHeight(slot) <= height - 2) return true;
    }
    return false;
  }

  /** Registers a transaction before it is sent, so a block can never hold it unnoticed. */
  expect(tx: Expectation): Ticket {
    const t = this.#t;
    const hash = tx.hash;
    const account = this.#accountId(tx.account);
    const last = t.lists.last(account);
    // Only a send at a nonce the account already has in flight can repeat bytes or replace a
    // transaction (a hash commits to sender and nonce); the usual send, at a new nonce above
    // them all, skips both lookups.
    const atHeldNonce = last >= 0 && tx.nonce <= t.nonce(last);
    const existing = atHeldNonce && hash !== null ? t.index.get(hash) : -1;
    if (existing >= 0) {
      // The same bytes again (a deterministic signature re-sent at the same nonce, e.g. two
      // drain checks re-sending before the fee moved): one transaction, followed once; this
      // send only listens for its end, and counts as a re-send if the node takes it.
      const first = t.onSettled[existing];
      const second = tx.onSettled;
      t.onSettled[existing] = (s) => {
        const followUps = [first?.(s), second?.(s)].filter((f) => f !== undefined);
        return followUps.length === 0 ? undefined : Promise.all(followUps).then(() => undefined);
      };
      return sameBytesTicket(this.#books);
    }
    this.#newestPrice = tx.maxPrice;
    // The first re-sender of each test case is kept: each send brings a new one (it closes over
    // its request), and any of them signs a transaction of that test case from this account.
    const name = t.nameId(tx.name);
    if (tx.resend !== undefined && !t.hasResender(account, name)) t.keepResender(account, name, tx.resend);
    // A send at the nonce of one the node holds replaces it in the pool: it is a re-send of
    // it, whether asked for (starved, priced out) or not (a second ask served after the first).
    if (atHeldNonce) {
      const held = t.findAt(account, tx.nonce, PENDING);
      if (held >= 0) return resendTicket(this.#books, viewOf(t, held), hash, tx.maxPrice);
    }
    const height = this.#follower.nextHeight;
    const sentAt = tx.sentAt ?? performance.now();
    const slot = t.add(hash, tx.digest, account, tx.nonce, name, tx.replaceable ?? true, tx.maxPrice, this.#test.epochNow, height, sentAt, tx.onSettled);
    const ref = t.ref(slot);
    // It holds one of its account's --max-pending places from now until it leaves the books
    // (#detach), whatever its send's answer. Counted here, while the lease has just touched the
    // account's nonce state, not when the answer comes: by then that state is out of the cache
    // (bench/README.md §5b).
    tx.account.pendingAdded();
    // A node-signed one is followed from its answer on; the blocks seen until then are kept for it.
    if (hash === null) this.#awaited.await(ref, height);
    return new SendTicket(this.#sends, slot, ref, hash);
  }

  /**
   * The node answered a send it signed with `nodeHash`: the entry is followed under it from
   * now on, and is seen mined if a block already held it. false: another entry already has
   * that hash (the node answered with one it gave before), so this one is no transaction of
   * its own and leaves the books like the same bytes sent twice.
   */
  #takeNodeHash(slot: number, ref: number, nodeHash: string): boolean {
    const t = this.#t;
    t.setAwaiting(slot, t.awaiting(slot) - 1);
    const seen = this.#awaited.answered(ref, nodeHash);
    if (t.index.has(nodeHash)) {
      this.#remove(slot);
      this.#counts.resent += 1;
      return false;
    }
    t.addHash(slot, nodeHash);
    if (seen !== undefined) t.seen.set(slot, { number: seen.number, at: seen.at, hash: nodeHash });
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
    const open = await this.#test.drain(timeoutMs, signal, (pending) => {
      this.#rescueAtDrainStart();
      this.#o.log.info({ pending, timeoutS: timeoutMs / 1000 }, 'waiting for sent transactions to be mined (--drain-timeout)');
    });
    this.#closeTest();
    if (open > 0) this.#o.log.info({ unresolved: open }, 'transactions still unresolved at the end of the test');
  }

  /** Stops following blocks; whatever still waits is told 'unresolved'. */
  async close(): Promise<void> {
    this.#closeTest();
    await this.#follower.close();
  }

  #closeTest(): void {
    this.#test.close();
    const t = this.#t;
    for (let slot = 0; slot < t.top; slot++) {
      if (t.used(slot) !== 1 || t.epoch(slot) === CLOSED) continue;
      t.setEpoch(slot, CLOSED);
      const told = t.onSettled[slot];
      t.onSettled[slot] = undefined;
      // Nothing of a closed test is recorded: its follow-up is not waited for.
      void told?.({ kind: 'unresolved' });
    }
  }

  /** Its id in the books, kept on the handle (NonceAccount.trackerId); its record is made at its first send. */
  #accountId(handle: NonceAccount): number {
    const t = this.#t;
    if (handle.trackedBy === t) return handle.trackerId;
    if (handle.trackedBy !== undefined) throw new Error(`account ${handle.address} is followed by two inclusion trackers (one a process)`);
    const { id } = t.addAccount(handle);
    handle.trackedBy = t;
    handle.trackerId = id;
    return id;
  }

  /**
   * The node answered with another hash than the one computed at signing: ask it by its own,
   * and match blocks by both (a node or proxy that answers oddly cannot hide a mined send).
   */
  #rekey(slot: number, signed: string, answered: string): void {
    const t = this.#t;
    if (answered === signed || t.index.get(signed) !== slot || t.index.has(answered)) return;
    const wasLatest = t.hash(slot) === signed;
    t.addHash(slot, answered);
    if (wasLatest) t.setHash(slot, answered);
  }

  #settleSeen(slot: number): void {
    const seen = this.#t.seen.get(slot);
    if (seen !== undefined) this.#settleMined(slot, seen.number, seen.at, seen.hash);
  }

  #onBlock(block: SeenBlock): void {
    const t = this.#t;
    // Kept only while a node-signed send awaits its answer (its hash may be one of them).
    const unclaimed: string[] | null = this.#awaited.waiting ? [] : null;
    this.#mined.open();
    try {
      const { hashes } = block;
      for (let i = 0; i < hashes.length; i++) {
        const slot = hashes.isHash(i) ? t.index.getWords(hashes.words, i * HASH_WORDS) : -1;
        if (slot < 0) {
          unclaimed?.push(hashes.text(i));
          continue;
        }
        t.accountOf(slot).progressAt = block.number;
        if (t.state(slot) === SENDING) t.seen.set(slot, { number: block.number, at: block.seenAt, hash: hashes.text(i) });
        // The hash as text only for a test case that is told it (most are not).
        else this.#settleMined(slot, block.number, block.seenAt, t.onSettled[slot] === undefined ? '' : hashes.text(i));
      }
    } finally {
      this.#mined.flush();
    }
    if (unclaimed !== null) this.#awaited.unclaimed(block.number, block.seenAt, unclaimed);
    for (const listener of this.#blockListeners) listener(block);
    // Only a rising base fee prices transactions out (a chain whose fee holds still, like Kaia
    // at rest, quotes exactly its base fee and must not be re-sent at every block).
    if (this.#test.draining && block.baseFee !== null && this.#lastBaseFee !== null && block.baseFee > this.#lastBaseFee) this.#rescuePricedOut(block.baseFee);
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
    resendWhere(this.#t, this.#t.accounts, (entry) => nearFeeCap(entry, baseFee), this.#o.recorder);
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
      this.#t,
      this.#t.accounts,
      (entry) => entry.resendAsked || (baseFee !== null && nearFeeCap(entry, baseFee)) || outbid(entry, this.#newestPrice),
      this.#o.recorder,
    );
  }

  #settle(entry: Entry, settlement: Exclude<Settlement, { kind: 'unresolved' }>): void {
    if (!entry.live) return;
    const t = this.#t;
    const slot = entry.slot;
    if (settlement.kind === 'mined') {
      this.#settleMined(slot, settlement.blockNumber, settlement.at, settlement.hash, settlement);
      return;
    }
    if (!this.#detach(slot)) return;
    if (t.state(slot) === UNCERTAIN) {
      t.free(slot);
      return;
    }
    this.#unpend(slot);
    this.#counts.dropped += 1;
    if (!this.#warnedDrop) {
      this.#warnedDrop = true;
      this.#o.log.warn(
        { reason: settlement.reason },
        'the node dropped transactions it had accepted: they are failures of the mined rows, and the accounts resync',
      );
    }
    const epoch = t.epoch(slot);
    if (this.#test.records(epoch)) {
      this.#o.recorder.failure(MINED_TYPE, t.name(slot), Math.max(0, performance.now() - t.sentAt(slot)), settlement.reason);
    }
    const told = t.onSettled[slot];
    t.free(slot);
    this.#tell(told, epoch, settlement);
  }

  /**
   * A block holds it. The settlement object is made only for a test case that listens: most
   * (valueTransfer) do not, and this runs for every transaction sent.
   */
  #settleMined(slot: number, blockNumber: number, at: number, hash: string, settlement?: Settlement): void {
    const t = this.#t;
    if (!this.#detach(slot)) return;
    // Its send failed without an answer, yet a block holds it: the chain says it was accepted.
    if (t.state(slot) === UNCERTAIN) this.#counts.accepted += 1;
    else this.#unpend(slot);
    this.#counts.mined += 1;
    const epoch = t.epoch(slot);
    if (this.#test.records(epoch)) this.#mined.success(t.name(slot), Math.max(0, at - t.sentAt(slot)));
    const told = t.onSettled[slot];
    t.free(slot);
    if (told !== undefined) this.#tell(told, epoch, settlement ?? { kind: 'mined', blockNumber, at, hash });
    else this.#test.wakeIfDone();
  }

  /** One accepted transaction fewer waits for the chain. */
  #unpend(slot: number): void {
    this.#pending -= 1;
    this.#test.settled(this.#t.epoch(slot));
  }

  /** Tells the test case how its transaction (of test `epoch`) ended; what it still does then belongs to this test's drain. */
  #tell(told: Listener | undefined, epoch: number, settlement: Settlement): void {
    const followUp = told?.(settlement);
    if (followUp !== undefined) this.#test.follow(followUp, epoch);
    this.#test.wakeIfDone();
  }

  /** Takes an entry out of the books but keeps its slot for the caller to read and free. false: it already left them. */
  #detach(slot: number): boolean {
    const t = this.#t;
    if (t.used(slot) !== 1) return false;
    if (t.resendAsked(slot)) {
      t.setResendAsked(slot, false);
      t.accountOf(slot).handle.cancelResend(t.nonce(slot));
    }
    // Its --max-pending place (taken in expect) is free again.
    t.accountOf(slot).handle.pendingSettled();
    t.leave(slot);
    return true;
  }

  #remove(slot: number): boolean {
    if (!this.#detach(slot)) return false;
    this.#t.free(slot);
    return true;
  }
}

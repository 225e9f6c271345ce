/**
 * The tickets of sends that are not a transaction's first: the same bytes again, a re-send of
 * a starved or priced-out transaction at its nonce, and a node-signed re-send whose hash only
 * the node's answer tells. Each stays one transaction in the counts (`resent` counts the send),
 * known by every hash it was sent under. They reach the tracker's books only through
 * ResendBooks, as the checks do through CheckedTracker (node-checks.ts).
 */
import type { Sighting } from './awaited-answers.js';
import type { Entry } from './entry.js';
import { FIRST_CHECK_BLOCKS } from './entry-table.js';
import type { Settlement, Ticket } from './types.js';

/** What the re-send tickets need of the tracker. */
export interface ResendBooks {
  /** Some entry is followed under `hash`. */
  followed(hash: string): boolean;
  /** The next block height the follower will read: where a send's first chance is. */
  nextHeight(): number;
  countResent(): void;
  /** The node answered `answered` for what was signed as `signed`: follow the entry under both. */
  rekey(entry: Entry, signed: string, answered: string): void;
  settle(entry: Entry, settlement: Exclude<Settlement, { kind: 'unresolved' }>): void;
  /** Remembers the blocks seen from now until `token`'s answer (awaited-answers.ts). */
  awaitAnswer(token: object): void;
  answered(token: object, nodeHash: string | null): Sighting | undefined;
}

/**
 * A send of bytes already followed: accepted (or "already known"), it is one more send the
 * node took for the same transaction, so `resent` keeps the send rows' successes equal to
 * accepted + resent (a saturating run's drain once recorded 23 such sends in neither).
 */
export function sameBytesTicket(books: ResendBooks): Ticket {
  let done = false;
  const end = (): boolean => {
    const first = !done;
    done = true;
    return first;
  };
  return {
    accepted: () => {
      if (end()) books.countResent();
    },
    uncertain: end,
    refused: end,
  };
}

/** The send that stands in for a starved transaction: the same entry, one more hash. */
export function resendTicket(books: ResendBooks, entry: Entry, hash: string | null, maxPrice: bigint): Ticket {
  entry.resendAsked = false;
  if (hash === null) return nodeSignedResendTicket(books, entry, maxPrice);
  entry.addHash(hash);
  // Until the node answers, it may know neither hash (the old one evicted, the new one not yet
  // taken): no check may conclude the transaction is gone meanwhile (node-checks.ts skips an
  // entry that awaits answers). A drop concluded so once, and the re-send, answered after,
  // was mined and followed by nobody.
  entry.awaiting += 1;
  let done = false;
  const live = (): boolean => !done && entry.heldUnder(hash);
  const end = (): void => {
    done = true;
    entry.awaiting -= 1;
  };
  const adopt = (nodeHash: string): void => {
    books.rekey(entry, hash, nodeHash);
    entry.hash = entry.heldUnder(nodeHash) ? nodeHash : hash;
    restartChecks(books, entry, maxPrice);
  };
  return {
    accepted: (nodeHash) => {
      if (done) return;
      books.countResent();
      if (live()) adopt(nodeHash.toLowerCase());
      end();
    },
    // It may be in the pool: keep listening for it, ask about the old one.
    uncertain: () => {
      if (!done) end();
    },
    refused: () => {
      if (done) return;
      if (live()) entry.dropHash(hash);
      end();
    },
  };
}

/**
 * A node-signed re-send: its hash joins the entry when the node answers, and a block that held
 * it before the answer settles the entry then. Until the answer the node is not asked about
 * the entry (entry.awaiting), since it may already have replaced the older hashes.
 */
function nodeSignedResendTicket(books: ResendBooks, entry: Entry, maxPrice: bigint): Ticket {
  const token = {};
  books.awaitAnswer(token);
  entry.awaiting += 1;
  let done = false;
  const end = (nodeHash: string | null): Sighting | undefined => {
    done = true;
    entry.awaiting -= 1;
    return books.answered(token, nodeHash);
  };
  return {
    accepted: (nodeHash) => {
      if (done) return;
      const answered = nodeHash.toLowerCase();
      const seen = end(answered);
      books.countResent();
      if (!entry.live || books.followed(answered)) return;
      entry.addHash(answered);
      entry.hash = answered;
      restartChecks(books, entry, maxPrice);
      if (seen !== undefined) books.settle(entry, { kind: 'mined', blockNumber: seen.number, at: seen.at, hash: answered });
    },
    uncertain: () => {
      if (!done) end(null);
    },
    refused: () => {
      if (!done) end(null);
    },
  };
}

/** A re-send the node took is the entry's new first chance: its price, and checks from now. */
function restartChecks(books: ResendBooks, entry: Entry, maxPrice: bigint): void {
  entry.maxPrice = maxPrice;
  entry.sentHeight = books.nextHeight();
  entry.nextCheck = entry.sentHeight + FIRST_CHECK_BLOCKS - 1;
  entry.backoff = 1;
}

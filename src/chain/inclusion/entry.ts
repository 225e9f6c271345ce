/** A followed transaction (an entry), the account that holds it, and the ticket of its first send. */
import type { NonceAccount, Resend, Settlement, Ticket } from './types.js';

/** An entry's test has ended: it is followed on for the counters and nonces, but recorded nowhere. */
export const CLOSED = -1;
/** An account's oldest transaction is first asked about after this many blocks without it (one: a drop is healed before the next block). */
export const FIRST_CHECK_BLOCKS = 1;

export type EntryState = 'sending' | 'pending' | 'uncertain';

export interface Entry {
  /** The hash of its latest send (the one asked about). */
  hash: string;
  /** Every hash the node may know it by: its first send's and its re-sends'. */
  readonly hashes: string[];
  readonly replaceable: boolean;
  /** The most its latest send pays per gas. */
  maxPrice: bigint;
  /** A re-send was asked for and has not been accepted yet. */
  resendAsked: boolean;
  /**
   * Sends of it the node has not answered yet, of those that matter: ones the node signs (the
   * hash it holds the transaction by is unknown until then) and re-sends (the node may hold
   * neither hash meanwhile). Until they are answered, asking about the older hashes proves nothing.
   */
  awaiting: number;
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
  onSettled: ((settlement: Settlement) => void | Promise<void>) | undefined;
  /** The height at which it is next asked about. */
  nextCheck: number;
  /** Blocks between checks while the node says it holds the transaction. */
  backoff: number;
}

export interface AccountState {
  readonly handle: NonceAccount;
  /** Unsettled transactions, by nonce. */
  readonly entries: Entry[];
  /** The last height that held one of its transactions. */
  progressAt: number;
  /** A check or heal is in flight: no second one. */
  busy: boolean;
  /** A re-sender of each test case sending from it, its first (see Expectation.resend). */
  readonly resenders: Map<string, Resend>;
}

export interface SendOutcomes {
  accepted(entry: Entry, nodeHash: string): void;
  uncertain(entry: Entry): void;
  refused(entry: Entry): void;
}

/** The ticket of a first send: the first call counts. */
export class SendTicket implements Ticket {
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

/** Keeps an account's unsettled transactions in nonce order (a send usually comes last). */
export function insertByNonce(list: Entry[], entry: Entry): void {
  const last = list[list.length - 1];
  if (last === undefined || last.nonce < entry.nonce) {
    list.push(entry);
    return;
  }
  let i = list.length;
  while (i > 0 && list[i - 1]!.nonce > entry.nonce) i--;
  list.splice(i, 0, entry);
}

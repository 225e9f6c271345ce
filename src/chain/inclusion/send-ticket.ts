/** The ticket of a transaction's first send (the tickets of later sends: resend-tickets.ts). */
import type { Ticket } from './types.js';

/** What a first send's answer does to its entry. */
export interface SendOutcomes {
  accepted(slot: number, ref: number, nodeHash: string, signedHash: string | null): void;
  uncertain(slot: number, ref: number): void;
  refused(slot: number, ref: number): void;
}

/** The ticket of a first send: the first call counts. It holds the signed hash only while the send is in flight. */
export class SendTicket implements Ticket {
  #done = false;
  constructor(
    private readonly outcomes: SendOutcomes,
    private readonly slot: number,
    private readonly ref: number,
    private readonly signedHash: string | null,
  ) {}

  accepted(nodeHash: string): void {
    if (this.#take()) this.outcomes.accepted(this.slot, this.ref, nodeHash, this.signedHash);
  }

  uncertain(): void {
    if (this.#take()) this.outcomes.uncertain(this.slot, this.ref);
  }

  refused(): void {
    if (this.#take()) this.outcomes.refused(this.slot, this.ref);
  }

  #take(): boolean {
    if (this.#done) return false;
    this.#done = true;
    return true;
  }
}

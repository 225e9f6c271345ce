/**
 * Re-sending transactions no user will re-send: the policy the inclusion tracker applies
 * while a stopped test drains (its users are gone, so no lease takes a re-send or fills a
 * nonce gap), as pure functions over the tracker's accounts. The tracker decides when; these
 * say which transactions and send them through each account's own sender (Expectation.resend).
 */
import type { Recorder } from '../../stats/recorder.js';
import { entriesOf, type Entry } from './entry.js';
import type { EntryTable } from './entry-table.js';
import type { AccountState } from './types.js';

/**
 * Within two blocks of being priced out: a fee cap under 1.25 × the base fee falls below it
 * after two blocks of Ethereum's steepest rise (12.5 % a block), and a pool drops it then.
 */
export function nearFeeCap(entry: Entry, baseFee: bigint): boolean {
  return entry.maxPrice * 4n < baseFee * 5n;
}

/**
 * Newer transactions offer at least 10 % more per gas than this one (the replacement rule of
 * geth-like pools; anvil wants any increase): a re-send at today's price would overtake.
 */
export function outbid(entry: Entry, newestPrice: bigint): boolean {
  return entry.replaceable && entry.state === 'pending' && entry.maxPrice * 11n <= newestPrice * 10n;
}

/** Each pending, replaceable transaction that `which` picks re-sends itself now, by its own sender (see Expectation.resend). */
export function resendWhere(table: EntryTable, accounts: Iterable<AccountState>, which: (entry: Entry) => boolean, recorder: Recorder): void {
  for (const account of accounts) {
    for (const entry of entriesOf(table, account)) {
      if (entry.state !== 'pending' || !entry.replaceable || !which(entry)) continue;
      entry.resendAsked = true;
      account.resenders.get(entry.name)?.(entry.nonce, entry.maxPrice, recorder);
    }
  }
}

/**
 * The users have stopped, so no lease will fill a gap in an account's nonces, and everything
 * above it would wait out the drain: each missing nonce, from the chain's count up to the
 * account's highest transaction, is sent now by the account's own sender (a new transaction,
 * followed and counted like any other; `paid` 0: nothing to outbid).
 */
export function fillGaps(table: EntryTable, account: AccountState, latest: number, recorder: Recorder): void {
  const entries = entriesOf(table, account);
  const top = entries[entries.length - 1];
  const send = top === undefined ? undefined : (account.resenders.get(top.name) ?? account.resenders.values().next().value);
  if (top === undefined || send === undefined) return;
  const held = new Set(entries.map((e) => e.nonce));
  for (let nonce = latest; nonce < top.nonce; nonce++) if (!held.has(nonce)) send(nonce, 0n, recorder);
}

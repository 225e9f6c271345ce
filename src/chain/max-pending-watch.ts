/**
 * Says when --max-pending, not the chain, sets the rate. Backpressure exists for a chain that
 * cannot keep up: users wait while their accounts' transactions queue for blocks. Users who wait
 * at the limit while every block takes all of ours it could (none left behind) and has gas to
 * spare are held back by the worker instead: accounts × --max-pending transactions in flight
 * are fewer than the chain mines in the time one takes to be seen mined. The rate read then is
 * this worker's, and the chain's TPS is not on the screen. Said once, as a warning with the
 * fix: the run goes on as asked.
 */
import type { Logger } from 'pino';

import type { SeenBlock } from './block-follower.js';

/** Blocks in a row with users held back and room to spare before it is said (one alone may be the ramp of the start). */
export const HELD_BACK_BLOCKS = 3;

export interface MaxPendingWatchOptions {
  /** Leases so far that waited on the limit (NonceManager.heldBackWaits). */
  heldBackWaits(): number;
  /** Whether the chain left any of ours behind by this block (InclusionTracker.leftBehind). */
  leftBehind(height: number): boolean;
  maxPending: number;
  /** The accounts that send, and the flag that sets how many (--accounts or --node-signed-accounts). */
  accounts: number;
  accountsFlag: string;
  log: Logger;
}

/** A block listener (InclusionTracker.onBlock) that warns once when --max-pending holds the users back while the chain has room. */
export function maxPendingWatch(options: MaxPendingWatchOptions): (block: SeenBlock) => void {
  const { maxPending, accounts, accountsFlag, log } = options;
  let waits = options.heldBackWaits();
  let inRow = 0;
  let said = false;
  return (block) => {
    if (said) return;
    const count = options.heldBackWaits();
    const waited = count > waits;
    waits = count;
    // Gas is the usual bound of a block; a chain whose blocks are bounded otherwise (or that
    // reports no gas limit) still leaves ours behind when it is the one that cannot keep up.
    const full = block.gasLimit > 0n && block.gasUsed * 10n >= block.gasLimit * 9n;
    inRow = waited && !full && !options.leftBehind(block.number) ? inRow + 1 : 0;
    if (inRow < HELD_BACK_BLOCKS) return;
    said = true;
    const inFlight = maxPending * accounts;
    const fullness = block.gasLimit > 0n ? `, ${(block.gasUsed * 100n) / block.gasLimit}% of its gas used` : '';
    log.warn(
      { maxPending, accounts, inFlight, block: block.number },
      `--max-pending held the users back for ${inRow} blocks while the chain mined all it was sent (block ${block.number}${fullness}): ` +
        `the rate is this worker's limit (${accounts} accounts × ${maxPending} = ${inFlight} transactions waiting for the chain), not the chain's; ` +
        `give more accounts (${accountsFlag}) or raise --max-pending`,
    );
  };
}

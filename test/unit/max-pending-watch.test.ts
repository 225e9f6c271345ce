import { describe, expect, it } from 'vitest';

import type { SeenBlock } from '../../src/chain/block-follower.js';
import { HELD_BACK_BLOCKS, maxPendingWatch } from '../../src/chain/max-pending-watch.js';
import { TxHashList } from '../../src/chain/tx-hash-list.js';
import { collectingLogger, WARN } from '../support/master-harness.js';

const GAS_LIMIT = 30_000_000n;

function block(number: number, gasUsed: bigint, gasLimit = GAS_LIMIT): SeenBlock {
  return { number, hashes: TxHashList.fromTexts([]), baseFee: 1n, gasUsed, gasLimit, seenAt: 0 };
}

/** A watch over a worker whose waits and stragglers the test sets before each block. */
function watched() {
  const { log, lines } = collectingLogger();
  const state = { waits: 0, leftBehind: false };
  const onBlock = maxPendingWatch({
    heldBackWaits: () => state.waits,
    leftBehind: () => state.leftBehind,
    maxPending: 16,
    accounts: 200,
    accountsFlag: '--accounts',
    log,
  });
  const warnings = () => lines.filter((l) => l.level === WARN).map((l) => l.msg);
  return { state, onBlock, warnings };
}

describe('maxPendingWatch', () => {
  it('warns once, with the fix, after blocks in a row where users waited at the limit and the chain took all it was sent', () => {
    const w = watched();
    for (let n = 1; n <= HELD_BACK_BLOCKS; n++) {
      expect(w.warnings()).toEqual([]);
      w.state.waits += 5;
      w.onBlock(block(n, 3_000_000n));
    }
    expect(w.warnings()).toEqual([
      `--max-pending held the users back for ${HELD_BACK_BLOCKS} blocks while the chain mined all it was sent (block ${HELD_BACK_BLOCKS}, 10% of its gas used): ` +
        "the rate is this worker's limit (200 accounts × 16 = 3200 transactions waiting for the chain), not the chain's; give more accounts (--accounts) or raise --max-pending",
    ]);
    for (let n = HELD_BACK_BLOCKS + 1; n < 3 * HELD_BACK_BLOCKS; n++) {
      w.state.waits += 5;
      w.onBlock(block(n, 0n));
    }
    expect(w.warnings()).toHaveLength(1);
  });

  it('says nothing while the chain is the bound: full blocks, or ours left behind', () => {
    const full = watched();
    const behind = watched();
    behind.state.leftBehind = true;
    for (let n = 1; n <= 3 * HELD_BACK_BLOCKS; n++) {
      full.state.waits += 5;
      full.onBlock(block(n, 27_000_000n));
      behind.state.waits += 5;
      behind.onBlock(block(n, 1_000_000n));
    }
    expect(full.warnings()).toEqual([]);
    expect(behind.warnings()).toEqual([]);
  });

  it('says nothing when no user waited at the limit, and needs the blocks in a row', () => {
    const w = watched();
    for (let n = 1; n <= 3 * HELD_BACK_BLOCKS; n++) {
      // Every other block no user waited: the row starts again each time.
      if (n % 2 === 0) w.state.waits += 5;
      w.onBlock(block(n, 0n));
    }
    expect(w.warnings()).toEqual([]);
  });

  it('on a chain whose blocks say no gas limit, goes by what the chain left behind', () => {
    const w = watched();
    for (let n = 1; n <= HELD_BACK_BLOCKS; n++) {
      w.state.waits += 1;
      w.onBlock(block(n, 5_000_000n, 0n));
    }
    expect(w.warnings()).toHaveLength(1);
    expect(w.warnings()[0]).toContain(`(block ${HELD_BACK_BLOCKS}): `);
  });
});

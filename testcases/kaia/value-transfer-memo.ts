/**
 * kaiaValueTransferMemo (0x10), kaiaFeeDelegatedValueTransferMemo (0x11) and its WithRatio
 * variant (0x12): a transfer carrying a random memo of --memo-size (small 200 bytes, large
 * 2,000). The fee payer of the delegated ones is the recipient, as in the Go load testers.
 * kaiaValueTransferLargeMemo (the Go tools' newValueTransferLargeMemoTC) is 0x10 with the
 * large memo always, under its own name (the Go tools merged its stats with the small memo's).
 *
 * Gas: the memo's data gas under every Kaia fork — 100 per byte before Prague, the EIP-7623
 * floor from Prague — so a 2,000-byte memo gets 221,000 (the Go tools' 100,000 is below the
 * Prague floor of 101,000, and a Prague node refuses it).
 */
import { defineTestCase, type TestCase } from '../../src/api/test-case.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import type { MemoSize } from '../../src/chain/tx-session.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { prepareKaia } from './kaia-setup.js';
import { MEMO_BYTES, memoSizeOf, randomMemo } from './memo.js';
import { delegation, FEE_RATIO, randomValue, sendKaiaTx } from './send-kaia-tx.js';

/** `size`: always this memo size, whatever --memo-size says. */
function memoTestCase(name: string, aliases: readonly string[], type: KaiaTxTypeCode, description: string, size?: MemoSize): TestCase {
  return defineTestCase({
    name,
    aliases,
    description,
    async setup(ctx) {
      // Read before anything is funded: a bad size should cost nothing.
      const bytes = MEMO_BYTES[size ?? memoSizeOf(ctx.tx.settings)];
      const setup = await prepareKaia(ctx, name);
      // Every memo of a size costs the same: the bytes are random but never zero.
      const gas = kaiaMinGasLimitAnyFork({ type, data: randomMemo(bytes) });
      const { list } = setup.accounts;
      return {
        async run(user) {
          await sendKaiaTx(user, setup, (from) => {
            const to = pickRecipient(list, from.index);
            const { feeRatio, feePayer } = delegation(type, to);
            return { fields: { type, gas, to: to.address, value: randomValue(), data: randomMemo(bytes), feeRatio }, feePayer };
          });
        },
      };
    },
  });
}

export const kaiaValueTransferMemo = memoTestCase(
  'kaiaValueTransferMemo',
  ['newValueTransferMemoTC', 'newValueTransferSmallMemoTC'],
  KaiaTxType.ValueTransferMemo,
  'Kaia ValueTransferMemo (0x10) with a random --memo-size memo (small 200 B, large 2,000 B) between random test accounts',
);

export const kaiaValueTransferLargeMemo = memoTestCase(
  'kaiaValueTransferLargeMemo',
  ['newValueTransferLargeMemoTC'],
  KaiaTxType.ValueTransferMemo,
  'Kaia ValueTransferMemo (0x10) with a random 2,000-byte memo whatever --memo-size says, gas 221,000 (above the Prague EIP-7623 floor)',
  'large',
);

export const kaiaFeeDelegatedValueTransferMemo = memoTestCase(
  'kaiaFeeDelegatedValueTransferMemo',
  ['newFeeDelegatedValueTransferMemoTC'],
  KaiaTxType.FeeDelegatedValueTransferMemo,
  'Kaia FeeDelegatedValueTransferMemo (0x11) with a --memo-size memo; the recipient pays the fee',
);

export const kaiaFeeDelegatedValueTransferMemoWithRatio = memoTestCase(
  'kaiaFeeDelegatedValueTransferMemoWithRatio',
  ['newFeeDelegatedValueTransferMemoWithRatioTC'],
  KaiaTxType.FeeDelegatedValueTransferMemoWithRatio,
  `Kaia FeeDelegatedValueTransferMemoWithRatio (0x12) with a --memo-size memo; the recipient pays ${FEE_RATIO} % of the fee`,
);

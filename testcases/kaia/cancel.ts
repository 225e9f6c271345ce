/**
 * kaiaCancel (0x38), kaiaFeeDelegatedCancel (0x39) and its WithRatio variant (0x3a): a Cancel
 * at the sender's next nonce, where nothing is pending, so it is an ordinary transaction that
 * only uses up the nonce (21,000 gas, plus 10,000 or 15,000 for delegation). Accepted =
 * success. As in the Go tools, the fee payer of the delegated ones is another test account.
 * (The Go tools' 100,000,000 gas limit would need a balance of limit × gas price, several
 * KAIA, in every payer; the limit costs nothing else, so the exact intrinsic gas is used.)
 */
import type { TestCase } from '../../src/api/test-case.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { defineFixedGasTestCase } from './kaia-test-case.js';
import { delegation, FEE_RATIO } from './send-kaia-tx.js';

function cancelTestCase(name: string, alias: string, type: KaiaTxTypeCode, description: string): TestCase {
  return defineFixedGasTestCase({
    name,
    alias,
    description,
    type,
    plan: (_from, other, gas) => {
      const { feeRatio, feePayer } = delegation(type, other);
      return { fields: { type, gas, feeRatio }, feePayer };
    },
  });
}

export const kaiaCancel = cancelTestCase(
  'kaiaCancel',
  'newCancelTC',
  KaiaTxType.Cancel,
  "Kaia Cancel (0x38) at a random test account's next nonce (nothing to cancel); success = accepted by the node",
);

export const kaiaFeeDelegatedCancel = cancelTestCase(
  'kaiaFeeDelegatedCancel',
  'newFeeDelegatedCancelTC',
  KaiaTxType.FeeDelegatedCancel,
  'Kaia FeeDelegatedCancel (0x39) at the next nonce (nothing to cancel); another test account pays the fee',
);

export const kaiaFeeDelegatedCancelWithRatio = cancelTestCase(
  'kaiaFeeDelegatedCancelWithRatio',
  'newFeeDelegatedCancelWithRatioTC',
  KaiaTxType.FeeDelegatedCancelWithRatio,
  `Kaia FeeDelegatedCancelWithRatio (0x3a) at the next nonce; another test account pays ${FEE_RATIO} % of the fee`,
);

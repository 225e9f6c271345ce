/**
 * kaiaValueTransfer (0x08), kaiaFeeDelegatedValueTransfer (0x09) and its WithRatio variant
 * (0x0a): a transfer between random test accounts. As in the Go load testers, the fee payer
 * of the delegated ones is the recipient, signing with its own key.
 */
import type { TestCase } from '../../src/api/test-case.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { defineFixedGasTestCase } from './kaia-test-case.js';
import { delegation, FEE_RATIO, randomValue } from './send-kaia-tx.js';

function valueTransferTestCase(name: string, alias: string, type: KaiaTxTypeCode, description: string): TestCase {
  // A transfer to an account without code costs its intrinsic gas, no more.
  return defineFixedGasTestCase({
    name,
    alias,
    description,
    type,
    plan: (_from, to, gas) => {
      const { feeRatio, feePayer } = delegation(type, to);
      return { fields: { type, gas, to: to.address, value: randomValue(), feeRatio }, feePayer };
    },
  });
}

export const kaiaValueTransfer = valueTransferTestCase(
  'kaiaValueTransfer',
  'newValueTransferTC',
  KaiaTxType.ValueTransfer,
  'Kaia ValueTransfer (0x08) between random test accounts (kaia_sendRawTransaction); success = accepted by the node',
);

export const kaiaFeeDelegatedValueTransfer = valueTransferTestCase(
  'kaiaFeeDelegatedValueTransfer',
  'newFeeDelegatedValueTransferTC',
  KaiaTxType.FeeDelegatedValueTransfer,
  'Kaia FeeDelegatedValueTransfer (0x09); the recipient signs as fee payer and pays the fee',
);

export const kaiaFeeDelegatedValueTransferWithRatio = valueTransferTestCase(
  'kaiaFeeDelegatedValueTransferWithRatio',
  'newFeeDelegatedValueTransferWithRatioTC',
  KaiaTxType.FeeDelegatedValueTransferWithRatio,
  `Kaia FeeDelegatedValueTransferWithRatio (0x0a); the recipient pays ${FEE_RATIO} % of the fee`,
);

/**
 * kaiaValueTransfer (0x08), kaiaFeeDelegatedValueTransfer (0x09) and its WithRatio variant
 * (0x0a): a transfer between random test accounts. As in the Go load testers, the fee payer
 * of the delegated ones is the recipient, signing with its own key.
 */
import { defineTestCase, type TestCase } from '../../src/api/test-case.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { prepareKaia } from './kaia-setup.js';
import { delegation, FEE_RATIO, randomValue, sendKaiaTx } from './send-kaia-tx.js';

function valueTransferTestCase(name: string, alias: string, type: KaiaTxTypeCode, description: string): TestCase {
  return defineTestCase({
    name,
    aliases: [alias],
    description,
    async setup(ctx) {
      const setup = await prepareKaia(ctx, name);
      // A transfer to an account without code costs its intrinsic gas, no more.
      const gas = kaiaMinGasLimitAnyFork({ type });
      const { list } = setup.accounts;
      return {
        async run(user) {
          await sendKaiaTx(user, setup, (from) => {
            const to = pickRecipient(list, from.index);
            const { feeRatio, feePayer } = delegation(type, to);
            return { fields: { type, gas, to: to.address, value: randomValue(), feeRatio }, feePayer };
          });
        },
      };
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

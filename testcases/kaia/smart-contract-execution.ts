/**
 * kaiaSmartContractExecution (0x30), kaiaFeeDelegatedSmartContractExecution (0x31) and its
 * WithRatio variant (0x32): `General.reward(sender)` with 0–2 kei attached, from a random
 * test account. The General contract is deployed once per process by the rich key. As in the
 * Go load testers, the fee payer of the delegated ones is the sender itself.
 */
import { Interface } from 'ethers/abi';
import { getAddress } from 'ethers/address';
import { randomBytes } from 'ethers/crypto';
import { hexlify } from 'ethers/utils';

import type { TestCase } from '../../src/api/test-case.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { contractGasLimit } from './contract-gas.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { delegation, FEE_RATIO, sendKaiaTx } from './send-kaia-tx.js';

/**
 * The gas of `reward` depends on state: a receiver's first reward writes a fresh slot
 * (about 20,000 more than later ones). The estimate is of that worst case; the headroom
 * covers the total's slot, which may be fresh too.
 */
const EXECUTION_HEADROOM_PERCENT = 50n;
/** The most kei attached to a call: `reward` is payable and the Go tools sent 0–2. */
const MAX_CALL_VALUE = 2;

function executionTestCase(name: string, alias: string, type: KaiaTxTypeCode, description: string): TestCase {
  return defineKaiaTestCase({
    name,
    alias,
    description,
    async ready(setup, ctx) {
      if (ctx.contracts === undefined) throw new Error(`${name} needs the rich key to deploy its General contract`);
      const general = await ctx.contracts.deployContract(loadArtifact('General'));
      const abi = new Interface(loadArtifact('General').abi);
      const { list } = setup.accounts;
      // Encoded once per account: the call data is all a user's iteration needs.
      const callData = new Map(list.map((a) => [a.address, abi.encodeFunctionData('reward', [a.address])]));
      const neverRewarded = abi.encodeFunctionData('reward', [getAddress(hexlify(randomBytes(20)))]);
      const from = list[0]!.address;
      const gas = await contractGasLimit(
        setup,
        { type, data: neverRewarded },
        { from, to: general, value: BigInt(MAX_CALL_VALUE), data: neverRewarded },
        EXECUTION_HEADROOM_PERCENT,
      );
      return {
        async run(user) {
          await sendKaiaTx(user, setup, (sender) => {
            const { feeRatio, feePayer } = delegation(type, sender);
            const value = BigInt(Math.floor(Math.random() * (MAX_CALL_VALUE + 1)));
            return { fields: { type, gas, to: general, value, data: callData.get(sender.address)!, feeRatio }, feePayer };
          });
        },
      };
    },
  });
}

export const kaiaSmartContractExecution = executionTestCase(
  'kaiaSmartContractExecution',
  'newSmartContractExecutionTC',
  KaiaTxType.SmartContractExecution,
  'Kaia SmartContractExecution (0x30): General.reward(sender) with 0-2 kei from a random test account; success = accepted',
);

export const kaiaFeeDelegatedSmartContractExecution = executionTestCase(
  'kaiaFeeDelegatedSmartContractExecution',
  'newFeeDelegatedSmartContractExecutionTC',
  KaiaTxType.FeeDelegatedSmartContractExecution,
  'Kaia FeeDelegatedSmartContractExecution (0x31) of General.reward; the sender also signs as fee payer',
);

export const kaiaFeeDelegatedSmartContractExecutionWithRatio = executionTestCase(
  'kaiaFeeDelegatedSmartContractExecutionWithRatio',
  'newFeeDelegatedSmartContractExecutionWithRatioTC',
  KaiaTxType.FeeDelegatedSmartContractExecutionWithRatio,
  `Kaia FeeDelegatedSmartContractExecutionWithRatio (0x32) of General.reward; the sender as fee payer pays ${FEE_RATIO} %`,
);

/**
 * kaiaSmartContractDeploy (0x28), kaiaFeeDelegatedSmartContractDeploy (0x29) and its WithRatio
 * variant (0x2a): deploys the General contract from a random test account, with no recipient
 * (Kaia picks the address), value 0 (its constructor is not payable: the Go tools' 0–2 kei made
 * every deploy revert), humanReadable false and EVM code format. As in the Go tools, the fee
 * payer of the delegated ones is the sender itself; unlike klaytn-load-tester and
 * kaia-load-tester before 2025, the delegated deploys carry no recipient either: the node
 * refuses a deploy with one (ErrInvalidContractAddress), so theirs always failed.
 */
import type { TestCase } from '../../src/api/test-case.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { contractGasLimit } from './contract-gas.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { delegation, FEE_RATIO, sendKaiaTx } from './send-kaia-tx.js';

/** The same bytes every time, so the estimate only misses state the constructor never reads. */
const DEPLOY_HEADROOM_PERCENT = 20n;

function deployTestCase(name: string, alias: string, type: KaiaTxTypeCode, description: string): TestCase {
  return defineKaiaTestCase({
    name,
    alias,
    description,
    async ready(setup) {
      const { bytecode } = loadArtifact('General');
      const from = setup.accounts.list[0]!.address;
      const gas = await contractGasLimit(setup, { type, data: bytecode }, { from, value: 0n, data: bytecode }, DEPLOY_HEADROOM_PERCENT);
      return {
        async run(user) {
          await sendKaiaTx(user, setup, (sender) => {
            const { feeRatio, feePayer } = delegation(type, sender);
            return { fields: { type, gas, to: null, value: 0n, data: bytecode, humanReadable: false, feeRatio, codeFormat: 0 }, feePayer };
          });
        },
      };
    },
  });
}

export const kaiaSmartContractDeploy = deployTestCase(
  'kaiaSmartContractDeploy',
  'newSmartContractDeployTC',
  KaiaTxType.SmartContractDeploy,
  'Kaia SmartContractDeploy (0x28) of the General contract from a random test account; success = accepted by the node',
);

export const kaiaFeeDelegatedSmartContractDeploy = deployTestCase(
  'kaiaFeeDelegatedSmartContractDeploy',
  'newFeeDelegatedSmartContractDeployTC',
  KaiaTxType.FeeDelegatedSmartContractDeploy,
  'Kaia FeeDelegatedSmartContractDeploy (0x29) of the General contract, no recipient; the sender also signs as fee payer',
);

export const kaiaFeeDelegatedSmartContractDeployWithRatio = deployTestCase(
  'kaiaFeeDelegatedSmartContractDeployWithRatio',
  'newFeeDelegatedSmartContractDeployWithRatioTC',
  KaiaTxType.FeeDelegatedSmartContractDeployWithRatio,
  `Kaia FeeDelegatedSmartContractDeployWithRatio (0x2a) of the General contract; the sender as fee payer pays ${FEE_RATIO} %`,
);

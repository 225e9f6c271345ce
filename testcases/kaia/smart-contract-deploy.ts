/**
 * kaiaSmartContractDeploy (0x28): deploys the General contract from a random test account,
 * with no recipient (Kaia picks the address), value 0 (its constructor is not payable: the
 * Go tools' 0–2 kei made every deploy revert), humanReadable false and EVM code format.
 */
import { defineTestCase } from '../../src/api/test-case.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { contractGasLimit } from './contract-gas.js';
import { prepareKaia } from './kaia-setup.js';
import { sendKaiaTx } from './send-kaia-tx.js';

const NAME = 'kaiaSmartContractDeploy';
/** The same bytes every time, so the estimate only misses state the constructor never reads. */
const DEPLOY_HEADROOM_PERCENT = 20n;

export const kaiaSmartContractDeploy = defineTestCase({
  name: NAME,
  aliases: ['newSmartContractDeployTC'],
  description: 'Kaia SmartContractDeploy (0x28) of the General contract from a random test account; success = accepted by the node',
  async setup(ctx) {
    const setup = await prepareKaia(ctx, NAME);
    const type = KaiaTxType.SmartContractDeploy;
    const { bytecode } = loadArtifact('General');
    const from = setup.accounts.list[0]!.address;
    const gas = await contractGasLimit(setup, { type, data: bytecode }, { from, value: 0n, data: bytecode }, DEPLOY_HEADROOM_PERCENT);
    return {
      async run(user) {
        await sendKaiaTx(user, setup, () => ({
          fields: { type, gas, to: null, value: 0n, data: bytecode, humanReadable: false, codeFormat: 0 },
        }));
      },
    };
  },
});

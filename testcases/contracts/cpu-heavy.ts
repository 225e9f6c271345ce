/**
 * cpuHeavy: CpuHeavy.sort(100, 1), the reference workload: a quicksort of 100 numbers in
 * memory, pure EVM work with no storage written (~282k gas). Success = accepted by the node.
 */
import { Interface } from 'ethers';

import { defineTestCase } from '../../src/api/test-case.js';
import { loadArtifact } from './artifacts.js';
import { prepareContractCalls, sendContractCall } from './contract-call.js';

const NAME = 'cpuHeavy';
const SIZE = 100;
const SIGNATURE = 1;
const SORT = new Interface(loadArtifact('CpuHeavy').abi).encodeFunctionData('sort', [SIZE, SIGNATURE]);

export const cpuHeavy = defineTestCase({
  name: NAME,
  aliases: ['cpuHeavyTx', 'cpuHeavyTC'],
  description: `CpuHeavy.sort(${SIZE}, ${SIGNATURE}): an in-memory quicksort, no storage writes (~282k gas); success = accepted by the node`,
  async setup(ctx) {
    const setup = await prepareContractCalls(ctx, NAME, 'CpuHeavy', (contract, from) => ({ from: from.address, to: contract, data: SORT }));
    return {
      async run(user) {
        await sendContractCall(user, setup, () => SORT);
      },
    };
  },
});

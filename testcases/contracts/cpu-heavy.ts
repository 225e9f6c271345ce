/**
 * cpuHeavy: CpuHeavy.sort(100, 1), the reference workload: a quicksort of 100 numbers in
 * memory, pure EVM work with no storage written (~282k gas). Success = accepted by the node.
 */
import { Interface } from 'ethers/abi';

import { loadArtifact } from './artifacts.js';
import { fixedCallTestCase } from './contract-call.js';

const SIZE = 100;
const SIGNATURE = 1;

export const cpuHeavy = fixedCallTestCase({
  name: 'cpuHeavy',
  aliases: ['cpuHeavyTx', 'cpuHeavyTC'],
  description: `CpuHeavy.sort(${SIZE}, ${SIGNATURE}): an in-memory quicksort, no storage writes (~282k gas); success = accepted by the node`,
  contract: 'CpuHeavy',
  data: new Interface(loadArtifact('CpuHeavy').abi).encodeFunctionData('sort', [SIZE, SIGNATURE]),
});

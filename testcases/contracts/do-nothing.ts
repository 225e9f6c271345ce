/**
 * doNothing: DoNothing.nothing(), BlockBench's DoNothing as the Go tools ran it (doNothingTx): a
 * call that runs no code of its own (~21.2k gas), so a block of them measures what any
 * transaction costs the node. Success = accepted by the node.
 */
import { Interface } from 'ethers/abi';

import { loadArtifact } from './artifacts.js';
import { fixedCallTestCase } from './contract-call.js';

export const doNothing = fixedCallTestCase({
  name: 'doNothing',
  aliases: ['doNothingTx'],
  description: 'DoNothing.nothing(): a call that runs no code (~21.2k gas); success = accepted by the node',
  contract: 'DoNothing',
  data: new Interface(loadArtifact('DoNothing').abi).encodeFunctionData('nothing', []),
});

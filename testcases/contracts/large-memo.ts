/**
 * largeMemo: LargeMemo.setName with a random string of 50 to 1,999 characters: large
 * calldata and up to 63 slot writes per transaction (up to ~1.5M gas). Success = accepted
 * by the node.
 */
import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { randomInt, randomText } from '../../src/util/random-text.js';
import { loadArtifact } from './artifacts.js';
import { prepareContractCalls, sendContractCall } from './contract-call.js';

const NAME = 'largeMemo';
const LARGE_MEMO = new Interface(loadArtifact('LargeMemo').abi);
const MIN_CHARS = 50;
const MAX_CHARS = 1_999;

function setName(chars: number): string {
  return LARGE_MEMO.encodeFunctionData('setName', [randomText(chars)]);
}

export const largeMemo = defineTestCase({
  name: NAME,
  aliases: ['largeMemoTC'],
  description: `LargeMemo.setName with ${MIN_CHARS}-${MAX_CHARS} random characters (up to ~1.5M gas); success = accepted by the node`,
  async setup(ctx) {
    // The costliest call: the longest memo into the fresh contract's empty slots.
    const setup = await prepareContractCalls(ctx, NAME, 'LargeMemo', (contract, from) => ({ from: from.address, to: contract, data: setName(MAX_CHARS) }));
    return {
      async run(user) {
        await sendContractCall(user, setup, () => setName(randomInt(MIN_CHARS, MAX_CHARS)));
      },
    };
  },
});

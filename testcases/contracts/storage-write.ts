/**
 * storageWrite: StorageWrite.insertIdentity with a new random serial (39 characters), public
 * key (814) and hash (40) each time, so every call fills fresh slots and the contract's
 * storage trie keeps growing. Success = accepted by the node.
 */
import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { randomText } from '../../src/util/random-text.js';
import { loadArtifact } from './artifacts.js';
import { prepareContractCalls, sendContractCall } from './contract-call.js';

const NAME = 'storageWrite';
const STORAGE_WRITE = new Interface(loadArtifact('StorageWrite').abi);
/** The reference workload's sizes (~750k gas with a new serial). */
const SERIAL_CHARS = 39;
const PUBLIC_KEY_CHARS = 814;
const HASH_CHARS = 40;

function insertIdentity(): string {
  return STORAGE_WRITE.encodeFunctionData('insertIdentity', [randomText(SERIAL_CHARS), randomText(PUBLIC_KEY_CHARS), randomText(HASH_CHARS)]);
}

export const storageWrite = defineTestCase({
  name: NAME,
  aliases: ['storageTrieWriteTC'],
  description: 'StorageWrite.insertIdentity with a new random serial (fresh storage slots, ~750k gas); success = accepted by the node',
  async setup(ctx) {
    const setup = await prepareContractCalls(ctx, NAME, 'StorageWrite', (contract, from) => ({ from: from.address, to: contract, data: insertIdentity() }));
    return {
      async run(user) {
        await sendContractCall(user, setup, insertIdentity);
      },
    };
  },
});

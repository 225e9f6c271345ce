/**
 * userStorage: UserStorage.set(a random number) from the sender: one storage write per
 * transaction in a slot of its own (~44k gas the first time, ~26k after). A random value,
 * unlike the reference's constant 100, so every call really changes the slot. Success =
 * accepted by the node.
 */
import { randomBytes } from 'node:crypto';

import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { randomAddress } from '../../src/chain/gas-limit.js';
import { loadArtifact } from './artifacts.js';
import { prepareContractCalls, sendContractCall } from './contract-call.js';

const NAME = 'userStorage';
const USER_STORAGE = new Interface(loadArtifact('UserStorage').abi);

function set(): string {
  // Never zero: a zero would clear the slot rather than write it.
  return USER_STORAGE.encodeFunctionData('set', [BigInt(`0x${randomBytes(8).toString('hex')}`) | 1n]);
}

export const userStorage = defineTestCase({
  name: NAME,
  aliases: ['userStorageSetTx', 'userStorageSetTC'],
  description: "UserStorage.set(random) from the sender: one write to the sender's own slot (~26-44k gas); success = accepted by the node",
  async setup(ctx) {
    // The costliest call: a sender that never set anything (a zero slot made non-zero).
    const setup = await prepareContractCalls(ctx, NAME, 'UserStorage', (contract) => ({ from: randomAddress(), to: contract, data: set() }));
    return {
      async run(user) {
        await sendContractCall(user, setup, set);
      },
    };
  },
});

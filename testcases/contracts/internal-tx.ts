/**
 * internalTx: InternalTx.sendRewards(invitee, host) with exactly the rewards attached (3 wei),
 * invitee and host random test accounts (the Go tools' internalTxTC). One transaction, four
 * internal ones: a card minted to the contract, the card passed on to the invitee, 2 wei to
 * the invitee and 1 wei to the host (~150-200k gas). The Go tools attached 100 peb, of which
 * 97 stayed in the contract each call; nothing stays behind here. Success = accepted by the node.
 */
import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { randomAddress } from '../../src/chain/gas-limit.js';
import { loadArtifact } from './artifacts.js';
import { prepareContractCalls, sendContractCall } from './contract-call.js';

const NAME = 'internalTx';
const INTERNAL_TX = new Interface(loadArtifact('InternalTx').abi);
/** INVITEE_REWARD + HOST_REWARD: sendRewards takes exactly this. */
export const REWARDS_WEI = 3n;

function sendRewards(invitee: string, host: string): string {
  return INTERNAL_TX.encodeFunctionData('sendRewards', [invitee, host]);
}

export const internalTx = defineTestCase({
  name: NAME,
  aliases: ['internalTxTC'],
  description: `InternalTx.sendRewards(invitee, host) +${REWARDS_WEI} wei: mints a card, passes it on and pays two rewards (four internal transactions, ~150-200k gas); success = accepted by the node`,
  async setup(ctx) {
    // The costliest call: invitee and host that hold nothing yet (new accounts and token slots).
    const setup = await prepareContractCalls(ctx, NAME, 'InternalTx', (contract, from) => ({
      from: from.address,
      to: contract,
      data: sendRewards(randomAddress(), randomAddress()),
      value: REWARDS_WEI,
    }));
    const { list } = setup.accounts;
    const anyone = (): string => list[Math.floor(Math.random() * list.length)]!.address;
    return {
      async run(user) {
        await sendContractCall(user, setup, () => sendRewards(anyone(), anyone()), REWARDS_WEI);
      },
    };
  },
});

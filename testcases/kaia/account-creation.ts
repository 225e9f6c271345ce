/**
 * kaiaAccountCreation (the Go tools' newAccountCreationTC): AccountCreation (0x18) from a random
 * test account to a fresh random address, with 1–1,000 kei and an AccountKeyPublic of a fresh
 * key (41,000 gas: 21,000 plus 20,000 for the key). kaiachain/kaia leaves the type out of its
 * transaction factory, so no Kaia network takes it; the Go tools built it anyway, failed, and
 * called log.Fatalf, killing the worker on its first iteration. Here setup asks the node
 * whether it decodes a 0x18 (account-creation-probe.ts) before anything is funded, and refuses
 * in one line when it does not; a node that does takes it like any other Kaia type.
 */
import { randomBytes, SigningKey } from 'ethers/crypto';
import { hexlify } from 'ethers/utils';

import { probeAccountCreation } from '../../src/chain/kaia/account-creation-probe.js';
import { accountKeyPublic } from '../../src/chain/kaia/account-key.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { randomValue, sendKaiaTx } from './send-kaia-tx.js';

const NAME = 'kaiaAccountCreation';

/** A new account: a random address with the public key of a random key of its own. */
function newAccount(): { address: string; key: string } {
  const key = new SigningKey(hexlify(randomBytes(32)));
  return { address: hexlify(randomBytes(20)), key: accountKeyPublic(key.compressedPublicKey) };
}

export const kaiaAccountCreation = defineKaiaTestCase({
  name: NAME,
  alias: 'newAccountCreationTC',
  description:
    'Kaia AccountCreation (0x18) of a random address with a public key; refused before funding by a node that does not take 0x18 (every Kaia network)',
  probe: (ctx, { namespace, chainId }) => probeAccountCreation(ctx.rpc, namespace, chainId, NAME),
  async ready(setup) {
    const type = KaiaTxType.AccountCreation;
    // Every public key costs the same to install.
    const gas = kaiaMinGasLimitAnyFork({ type, key: newAccount().key });
    return {
      async run(user) {
        await sendKaiaTx(user, setup, () => {
          const account = newAccount();
          return { fields: { type, gas, to: account.address, value: randomValue(), humanReadable: false, key: account.key } };
        });
      },
    };
  },
});

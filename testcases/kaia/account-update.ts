/**
 * kaiaAccountUpdate (0x20): a random test account sets its key to AccountKeyPublic of its own
 * public key (41,000 gas: 21,000 plus 20,000 for the key). The same key still signs, so Kaia's
 * own types keep working, but Kaia then refuses every Ethereum-typed transaction from the
 * account (ErrLegacyTransactionMustBeWithLegacyKey). Hence:
 * - it runs alone: with any other test case in --tc, setup refuses before anything is sent;
 * - its teardown puts every test account's key back to AccountKeyLegacy (restore-legacy-keys.ts),
 *   so the accounts serve other test cases and `klayworker refund` again. A run killed before
 *   its teardown leaves public keys behind: the next kaiaAccountUpdate run with the same
 *   --account-seed resets them. A separate --account-seed keeps other runs out of it entirely.
 */
import { defineTestCase } from '../../src/api/test-case.js';
import { accountKeyPublic } from '../../src/chain/kaia/account-key.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import { prepareKaia } from './kaia-setup.js';
import { restoreLegacyKeys } from './restore-legacy-keys.js';
import { sendKaiaTx } from './send-kaia-tx.js';

export const ACCOUNT_UPDATE_NAME = 'kaiaAccountUpdate';

export const kaiaAccountUpdate = defineTestCase({
  name: ACCOUNT_UPDATE_NAME,
  aliases: ['newAccountUpdateTC'],
  description: "Kaia AccountUpdate (0x20) to the account's own public key; runs alone, and resets the keys to legacy at the end",
  runsAlone:
    'it gives the test accounts public keys, and Kaia refuses Ethereum-typed transactions from such accounts; run it on its own, ideally with its own --account-seed',
  async setup(ctx) {
    const setup = await prepareKaia(ctx, ACCOUNT_UPDATE_NAME);
    const type = KaiaTxType.AccountUpdate;
    const keys = new Map(setup.accounts.list.map((a) => [a.address, accountKeyPublic(a.signer.compressedPublicKey)]));
    // Every public key costs the same to install.
    const gas = kaiaMinGasLimitAnyFork({ type, key: keys.get(setup.accounts.list[0]!.address)! });
    // Accounts whose update was sent or may have been (a timeout): the new key may still be
    // pending at teardown, where the chain's answer would miss it. Resetting a legacy key is
    // allowed and cheap; missing a public one is not.
    const touched = new Set<string>();
    return {
      async run(user) {
        const attempt = await sendKaiaTx(user, setup, (from) => ({ fields: { type, gas, key: keys.get(from.address)! } }));
        if (attempt !== null) touched.add(attempt.from.address);
      },
      async teardown() {
        await restoreLegacyKeys({ setup, log: ctx.log, touched });
      },
    };
  },
});

/**
 * kaiaAccountUpdate (0x20), kaiaFeeDelegatedAccountUpdate (0x21) and its WithRatio variant
 * (0x22): a random test account sets its key to AccountKeyPublic of its own public key
 * (41,000 gas: 21,000 plus 20,000 for the key; plus 10,000 or 15,000 for delegation). As in the
 * Go tools, the fee payer of the delegated ones is another test account. The same key still
 * signs, so Kaia's own types keep working, but Kaia then refuses every Ethereum-typed
 * transaction from the account (ErrLegacyTransactionMustBeWithLegacyKey). Hence:
 * - each runs alone: with any other test case in --tc, setup refuses before anything is sent;
 * - its teardown puts every test account's key back to AccountKeyLegacy (restore-legacy-keys.ts),
 *   so the accounts serve other test cases and `klayworker refund` again. A run killed before
 *   its teardown leaves public keys behind: the next run of one of them with the same
 *   --account-seed resets them. A separate --account-seed keeps other runs out of it entirely.
 */
import type { TestCase } from '../../src/api/test-case.js';
import { accountKeyPublic } from '../../src/chain/kaia/account-key.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType, type KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { restoreLegacyKeys } from './restore-legacy-keys.js';
import { delegation, FEE_RATIO, sendKaiaTx } from './send-kaia-tx.js';

const RUNS_ALONE =
  'it gives the test accounts public keys, and Kaia refuses Ethereum-typed transactions from such accounts; run it on its own, ideally with its own --account-seed';

function accountUpdateTestCase(name: string, alias: string, type: KaiaTxTypeCode, description: string): TestCase {
  return defineKaiaTestCase({
    name,
    alias,
    description,
    runsAlone: RUNS_ALONE,
    async ready(setup, ctx) {
      const { list } = setup.accounts;
      const keys = new Map(list.map((a) => [a.address, accountKeyPublic(a.signer.compressedPublicKey)]));
      // Every public key costs the same to install.
      const gas = kaiaMinGasLimitAnyFork({ type, key: keys.get(list[0]!.address)! });
      // Accounts whose update was sent or may have been (a timeout): the new key may still be
      // pending at teardown, where the chain's answer would miss it. Resetting a legacy key is
      // allowed and cheap; missing a public one is not.
      const touched = new Set<string>();
      return {
        async run(user) {
          const attempt = await sendKaiaTx(user, setup, (from) => {
            const { feeRatio, feePayer } = delegation(type, pickRecipient(list, from.index));
            return { fields: { type, gas, key: keys.get(from.address)!, feeRatio }, feePayer };
          });
          if (attempt !== null) touched.add(attempt.from.address);
        },
        async teardown() {
          await restoreLegacyKeys({ setup, log: ctx.log, touched, testCase: name });
        },
      };
    },
  });
}

export const kaiaAccountUpdate = accountUpdateTestCase(
  'kaiaAccountUpdate',
  'newAccountUpdateTC',
  KaiaTxType.AccountUpdate,
  "Kaia AccountUpdate (0x20) to the account's own public key; runs alone, and resets the keys to legacy at the end",
);

export const kaiaFeeDelegatedAccountUpdate = accountUpdateTestCase(
  'kaiaFeeDelegatedAccountUpdate',
  'newFeeDelegatedAccountUpdateTC',
  KaiaTxType.FeeDelegatedAccountUpdate,
  "Kaia FeeDelegatedAccountUpdate (0x21) to the account's own public key, another test account pays; runs alone, resets the keys at the end",
);

export const kaiaFeeDelegatedAccountUpdateWithRatio = accountUpdateTestCase(
  'kaiaFeeDelegatedAccountUpdateWithRatio',
  'newFeeDelegatedAccountUpdateWithRatioTC',
  KaiaTxType.FeeDelegatedAccountUpdateWithRatio,
  `Kaia FeeDelegatedAccountUpdateWithRatio (0x22) to the account's own public key, another test account pays ${FEE_RATIO} %; runs alone, resets the keys`,
);

/**
 * kaiaValueTransferWithCancel (the Go tools' newValueTransferWithCancelTC): a ValueTransfer
 * (0x08) between random test accounts, then at once a Cancel (0x38) from the same account at
 * the same nonce. Kaia's pool lets a Cancel replace whatever the sender has pending at its
 * nonce, whatever its price, so the chain ends up holding one of the two, never both.
 *
 * Recorded: both sends under `<ns>_sendRawTransaction` · kaiaValueTransferWithCancel (two
 * requests an iteration; a Cancel that arrives after its transfer was mined is refused with
 * "nonce too low" and is a failure of that row), and one `mined` row per pair: the chain
 * truth tracker knows the two as one transaction (the Cancel is counted as a re-send of the
 * transfer), settled mined when a block holds either of them. The teardown logs how many pairs
 * each of the two settled. The Go tool's returned hash was always zero; here both are followed.
 */
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { randomValue, sendKaiaTx } from './send-kaia-tx.js';

const NAME = 'kaiaValueTransferWithCancel';

export const kaiaValueTransferWithCancel = defineKaiaTestCase({
  name: NAME,
  alias: 'newValueTransferWithCancelTC',
  description: 'Kaia ValueTransfer (0x08) and a Cancel (0x38) at the same nonce right after it; one of the two is mined, one mined row per pair',
  async ready(setup, ctx) {
    const transferGas = kaiaMinGasLimitAnyFork({ type: KaiaTxType.ValueTransfer });
    const cancelGas = kaiaMinGasLimitAnyFork({ type: KaiaTxType.Cancel });
    const { list } = setup.accounts;
    const settled = { cancel: 0, transfer: 0 };
    return {
      async run(user) {
        // The hashes the Cancel of this pair was signed to (a re-send signs it again).
        const cancels = new Set<string>();
        await sendKaiaTx(user, setup, (from) => ({
          fields: { type: KaiaTxType.ValueTransfer, gas: transferGas, to: pickRecipient(list, from.index).address, value: randomValue() },
          followUps: [{ nonceOffset: 0, plan: { fields: { type: KaiaTxType.Cancel, gas: cancelGas }, onSigned: (signed) => cancels.add(signed.hash) } }],
          onSettled: (settlement) => {
            if (settlement.kind === 'mined') settled[cancels.has(settlement.hash) ? 'cancel' : 'transfer'] += 1;
          },
        }));
      },
      teardown() {
        ctx.log.info({ testCase: NAME, cancelMined: settled.cancel, transferMined: settled.transfer }, 'which of each pair the chain holds');
        return Promise.resolve();
      },
    };
  },
});

/**
 * kaiaCancel (0x38): a Cancel at the sender's next nonce, where nothing is pending, so it is
 * an ordinary transaction that only uses up the nonce (21,000 gas). Accepted = success. (The
 * Go tool's 100,000,000 gas limit would need a balance of limit × gas price, several KAIA,
 * in every sender; the limit costs nothing else, so the exact 21,000 is used.)
 */
import { defineTestCase } from '../../src/api/test-case.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import { prepareKaia } from './kaia-setup.js';
import { sendKaiaTx } from './send-kaia-tx.js';

const NAME = 'kaiaCancel';

export const kaiaCancel = defineTestCase({
  name: NAME,
  aliases: ['newCancelTC'],
  description: "Kaia Cancel (0x38) at a random test account's next nonce (nothing to cancel); success = accepted by the node",
  async setup(ctx) {
    const setup = await prepareKaia(ctx, NAME);
    const type = KaiaTxType.Cancel;
    const gas = kaiaMinGasLimitAnyFork({ type });
    return {
      async run(user) {
        await sendKaiaTx(user, setup, () => ({ fields: { type, gas } }));
      },
    };
  },
});

/** valueTransfer: a signed value transfer between random test accounts; success = the node's pool accepted it. */
import { defineTestCase, type TestCaseContext } from '../../src/api/test-case.js';
import { sendRandomTransfer, type TransferSetup } from './random-transfer.js';

const NAME = 'valueTransfer';

/** Chain context, funded accounts and the labels of a transfer test case. */
export async function prepareTransfers(ctx: TestCaseContext, name: string): Promise<TransferSetup> {
  const tx = ctx.tx;
  const chain = await tx.chain();
  const accounts = await tx.accounts();
  const sendMethod = tx.method('sendRawTransaction');
  return { rpc: ctx.rpc, chain, accounts, label: { type: sendMethod, name }, sendMethod, namespace: tx.settings.rpcNamespace };
}

export const valueTransfer = defineTestCase({
  name: NAME,
  aliases: ['transferSignedTx'],
  description: 'signed value transfer between random test accounts (sendRawTransaction); success = accepted by the node',
  async setup(ctx) {
    const setup = await prepareTransfers(ctx, NAME);
    return {
      async run(user) {
        await sendRandomTransfer(user, setup);
      },
    };
  },
});

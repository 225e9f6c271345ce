/**
 * nodeSignedTransfer: a value transfer the node signs (`eth_sendTransaction`, `kaia_` or
 * `klay_` under --rpc-namespace), between random accounts of the --node-signed-accounts
 * group; the Go tools' transferUnsignedTx. The node must be able to sign for them (anvil by
 * impersonation, or the personal API: see src/chain/node-signing.ts); one that cannot is
 * refused before anything is funded. Each transfer carries its account's nonce and the
 * current fee, so nothing is left for the node to choose but the signature; the node's
 * answer is its hash, and the inclusion tracker settles it like every other transaction.
 * Success = accepted by the node (the mined row says what the chain did).
 */
import { defineTestCase } from '../../src/api/test-case.js';
import { enableNodeSigning, nodeSignedTx, type NodeSigning } from '../../src/chain/node-signing.js';
import { TRANSFER_GAS } from '../../src/chain/signing/sign-transfer.js';
import { sendRandomTransfer, type TransferSetup } from './random-transfer.js';

const NAME = 'nodeSignedTransfer';

export const nodeSignedTransfer = defineTestCase({
  name: NAME,
  aliases: ['transferUnsignedTx'],
  description:
    'value transfer the node signs (eth_sendTransaction) between --node-signed-accounts; needs anvil or the personal API; success = accepted by the node',
  async setup(ctx) {
    const tx = ctx.tx;
    const chain = await tx.chain();
    // Set by the process's first node-signed test case: the one whose setup prepared the node.
    const enabled: NodeSigning[] = [];
    const accounts = await tx.nodeSignedAccounts(async (list) => {
      enabled.push(await enableNodeSigning(ctx.rpc, list, ctx.log));
    });
    const sendMethod = tx.method('sendTransaction');
    const namespace = tx.settings.rpcNamespace;
    const setup: TransferSetup = {
      rpc: ctx.rpc,
      chain,
      accounts,
      label: { type: sendMethod, name: NAME },
      sendMethod,
      namespace,
      build: ({ from, to, value, nonce }) =>
        nodeSignedTx({
          from: from.address,
          to: to.address,
          value,
          data: '0x',
          gasLimit: TRANSFER_GAS,
          nonce,
          fee: chain.fees.current(),
          // kaia_/klay_sendTransaction take the Go tools' one gasPrice.
          legacy: namespace !== 'eth',
        }),
    };
    return {
      async run(user) {
        await sendRandomTransfer(user, setup);
      },
      async teardown() {
        for (const signing of enabled) await signing.disable();
      },
    };
  },
});

/**
 * ethAccessList: the transfer / deploy / call mix as EIP-2930 (type 1) transactions carrying
 * the node's eth_createAccessList answer (empty lists where the node lacks the method),
 * counted once mined.
 */
import { createEthTypedTestCase } from './eth-typed-mix.js';

export const ethAccessList = createEthTypedTestCase({
  name: 'ethAccessList',
  aliases: ['ethereumTxAccessListTC', 'newEthereumAccessListTC'],
  description: 'type-1 (access list) mix of transfer, General deployment and General.reward call; success = mined with status 1 (time to receipt)',
  type: 1,
});

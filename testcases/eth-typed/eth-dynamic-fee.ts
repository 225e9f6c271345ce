/** ethDynamicFee: the transfer / deploy / call mix as EIP-1559 (type 2) transactions, counted once mined. */
import { createEthTypedTestCase } from './eth-typed-mix.js';

export const ethDynamicFee = createEthTypedTestCase({
  name: 'ethDynamicFee',
  aliases: ['ethereumTxDynamicFeeTC', 'newEthereumDynamicFeeTC'],
  description: 'type-2 (dynamic fee) mix of transfer, General deployment and General.reward call; success = mined with status 1 (time to receipt)',
  type: 2,
});

/** ethLegacy: the transfer / deploy / call mix as legacy (type 0, EIP-155) transactions, counted once mined. */
import { createEthTypedTestCase } from './eth-typed-mix.js';

export const ethLegacy = createEthTypedTestCase({
  name: 'ethLegacy',
  aliases: ['ethereumTxLegacyTC'],
  description: 'type-0 mix of transfer, General deployment and General.reward call; success = mined with status 1 (time to receipt)',
  type: 0,
});

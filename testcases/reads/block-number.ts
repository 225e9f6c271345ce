/** blockNumber: the cheapest read, eth_blockNumber, checked to be a hex quantity. */
import { defineTestCase } from '../../src/api/test-case.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';

const LABEL: CallLabel = { type: 'eth_blockNumber', name: 'blockNumber' };
const NO_PARAMS: readonly unknown[] = [];
const HEX_QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/i;

export function validateBlockNumber(result: unknown): string | undefined {
  if (typeof result === 'string' && HEX_QUANTITY.test(result)) return undefined;
  return `invalid eth_blockNumber result: ${describeResult(result)}`;
}

export const blockNumber = defineTestCase({
  name: 'blockNumber',
  aliases: ['readBlockNumber'],
  description: 'eth_blockNumber; succeeds when the result is a hex quantity',
  async setup({ rpc }) {
    return {
      run(user) {
        return timedCall(user, rpc, LABEL, 'eth_blockNumber', NO_PARAMS, validateBlockNumber);
      },
    };
  },
});

/**
 * gasPrice: the node's suggested price. Any positive price passes: the Go tool's check for a
 * constant 750 gkei failed on every network whose price differs (all of them since Magma).
 */
import { defineTestCase } from '../../src/api/test-case.js';
import { isPositiveHexQuantity } from '../../src/chain/encoding/hex.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';

const NAME = 'gasPrice';
const NO_PARAMS: readonly unknown[] = [];

export function validateGasPrice(method: string, result: unknown): string | undefined {
  return isPositiveHexQuantity(result) ? undefined : `invalid ${method} result: ${describeResult(result)}`;
}

export const gasPrice = defineTestCase({
  name: NAME,
  aliases: ['readGasPrice'],
  description: 'eth_gasPrice; succeeds when the result is a positive hex quantity',
  async setup(ctx) {
    const method = `${ctx.namespace}_gasPrice`;
    const label: CallLabel = { type: method, name: NAME };
    const validate = (result: unknown): string | undefined => validateGasPrice(method, result);
    return {
      run(user) {
        return timedCall(user, ctx.rpc, label, method, NO_PARAMS, validate);
      },
    };
  },
});

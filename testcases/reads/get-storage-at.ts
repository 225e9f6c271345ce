/** getStorageAt: slot 0 of a UserStorage contract deployed at setup (it holds the deployer). */
import { defineTestCase } from '../../src/api/test-case.js';
import { isHexWord } from '../../src/chain/encoding/hex.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';
import { deployedContract } from './read-context.js';

const NAME = 'getStorageAt';

export function validateStorageWord(method: string, result: unknown): string | undefined {
  return isHexWord(result) ? undefined : `invalid ${method} result: ${describeResult(result)}`;
}

export const getStorageAt = defineTestCase({
  name: NAME,
  aliases: ['readGetStorageAt'],
  description: "eth_getStorageAt(UserStorage deployed at setup, slot 0, 'latest'); succeeds when the result is a 32-byte hex word",
  async setup(ctx) {
    const method = `${ctx.namespace}_getStorageAt`;
    const address = await deployedContract(ctx, NAME, 'UserStorage');
    const label: CallLabel = { type: method, name: NAME };
    const params: readonly unknown[] = [address, '0x0', 'latest'];
    const validate = (result: unknown): string | undefined => validateStorageWord(method, result);
    return {
      run(user) {
        return timedCall(user, ctx.rpc, label, method, params, validate);
      },
    };
  },
});

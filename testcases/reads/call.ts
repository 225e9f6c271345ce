/** call: eth_call of UserStorage.get() on a contract deployed at setup. */
import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { deployedContract } from './read-context.js';

const NAME = 'call';
const USER_STORAGE = new Interface(loadArtifact('UserStorage').abi);
const GET = USER_STORAGE.encodeFunctionData('get', []);

/** Succeeds when the result is exactly the ABI encoding of get()'s return value. */
export function validateGetResult(method: string, result: unknown): string | undefined {
  return validateAbiResult(USER_STORAGE, 'get', method, result);
}

/** Why `result` is not exactly the ABI encoding of what `contract`'s `fn` returns, or undefined. */
export function validateAbiResult(contract: Interface, fn: string, method: string, result: unknown): string | undefined {
  if (typeof result === 'string') {
    try {
      // Decoding alone accepts trailing bytes; re-encoding must give the same text back.
      const decoded = contract.decodeFunctionResult(fn, result);
      if (contract.encodeFunctionResult(fn, decoded) === result.toLowerCase()) return undefined;
    } catch {
      // Not decodable: reported below.
    }
  }
  const outputs =
    contract
      .getFunction(fn)
      ?.outputs.map((o) => o.type)
      .join(', ') ?? '';
  return `invalid ${method} result: not the ABI encoding of ${fn}() returns (${outputs}): ${describeResult(result)}`;
}

export const call = defineTestCase({
  name: NAME,
  aliases: ['readCall'],
  description: "eth_call of UserStorage.get() (deployed at setup), 'latest'; succeeds when the result ABI-decodes as its uint256",
  async setup(ctx) {
    const method = `${ctx.namespace}_call`;
    const address = await deployedContract(ctx, NAME, 'UserStorage');
    const label: CallLabel = { type: method, name: NAME };
    const params: readonly unknown[] = [{ to: address, data: GET }, 'latest'];
    const validate = (result: unknown): string | undefined => validateGetResult(method, result);
    return {
      run(user) {
        return timedCall(user, ctx.rpc, label, method, params, validate);
      },
    };
  },
});

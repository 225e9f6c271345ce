/** estimateGas: eth_estimateGas of UserStorage.set(random n) on a contract deployed at setup. */
import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { isPositiveHexQuantity } from '../../src/chain/encoding/hex.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { deployedContract } from './read-context.js';

const NAME = 'estimateGas';
const SET_SELECTOR = new Interface(loadArtifact('UserStorage').abi).getFunction('set')!.selector;
/** Random arguments keep a node from answering from a cache of identical requests. */
const MAX_ARGUMENT = 1_000_000_000;

/** The calldata of set(n), built by hand: one uint256 word after the selector. */
export function setCalldata(n: number): string {
  return SET_SELECTOR + n.toString(16).padStart(64, '0');
}

export function validateGasEstimate(method: string, result: unknown): string | undefined {
  return isPositiveHexQuantity(result) ? undefined : `invalid ${method} result: ${describeResult(result)}`;
}

export const estimateGas = defineTestCase({
  name: NAME,
  aliases: ['readEstimateGas'],
  description: 'eth_estimateGas of UserStorage.set(random n) (deployed at setup); succeeds when the result is a positive hex quantity',
  async setup(ctx) {
    const method = `${ctx.namespace}_estimateGas`;
    const address = await deployedContract(ctx, NAME, 'UserStorage');
    const label: CallLabel = { type: method, name: NAME };
    const validate = (result: unknown): string | undefined => validateGasEstimate(method, result);
    return {
      run(user) {
        const data = setCalldata(1 + Math.floor(Math.random() * MAX_ARGUMENT));
        return timedCall(user, ctx.rpc, label, method, [{ to: address, data }], validate);
      },
    };
  },
});

/**
 * Gas limits of the contract test cases, found once at setup: the node's estimate of the
 * worst case plus headroom, never below what the tx pool accepts under any Kaia fork (the
 * estimate runs under the node's own fork), never above Kaia's upper limit. A transaction
 * pays for the gas it uses, not its limit, so headroom costs nothing but the balance check.
 */
import { KAIA_UPPER_GAS_LIMIT, type KaiaGasInput, kaiaMinGasLimitAnyFork, kaiaTypeGas } from '../../src/chain/kaia/gas.js';
import { type KaiaTxTypeCode, kaiaTxTypeLabel } from '../../src/chain/kaia/tx-types.js';
import { parseQuantity, toQuantity } from '../../src/chain/quantity.js';
import { errorMessage } from '../../src/util/errors.js';
import type { KaiaSetup } from './kaia-setup.js';

export interface GasEstimateCall {
  readonly from: string;
  /** Absent for a deployment. */
  readonly to?: string;
  readonly value: bigint;
  readonly data: string;
}

/**
 * `<namespace>_estimateGas` of `call`, plus `headroomPercent`, plus what fee delegation adds
 * (the estimate prices a plain call), within the pool's bounds for `tx`.
 */
export async function contractGasLimit(setup: KaiaSetup, tx: KaiaGasInput, call: GasEstimateCall, headroomPercent: bigint): Promise<bigint> {
  const method = `${setup.namespace}_estimateGas`;
  const args = { from: call.from, ...(call.to === undefined ? {} : { to: call.to }), value: toQuantity(call.value), data: call.data };
  let estimate: bigint;
  try {
    estimate = parseQuantity((await setup.rpc.call(method, [args])).result, `${method} result`);
  } catch (err) {
    throw new Error(`${kaiaTxTypeLabel(tx.type)}: ${method} failed: ${errorMessage(err)}`, { cause: err });
  }
  return boundedGas(estimate + (estimate * headroomPercent + 99n) / 100n + delegationGas(tx.type), tx);
}

/** What a fee-delegated type costs over its basic type: 10,000, or 15,000 with a ratio. */
export function delegationGas(type: KaiaTxTypeCode): bigint {
  return kaiaTypeGas(type) - kaiaTypeGas((type & ~0x07) as KaiaTxTypeCode);
}

/** `gas` raised to the pool's minimum for `tx` under every fork; an error above the upper limit. */
export function boundedGas(gas: bigint, tx: KaiaGasInput): bigint {
  const least = kaiaMinGasLimitAnyFork(tx);
  const limit = gas > least ? gas : least;
  if (limit > KAIA_UPPER_GAS_LIMIT) {
    throw new Error(`${kaiaTxTypeLabel(tx.type)}: needs ${limit} gas, above Kaia's upper limit ${KAIA_UPPER_GAS_LIMIT}`);
  }
  return limit;
}

/**
 * Gas limits for the contract test cases, asked of the node once at setup: its estimate of
 * the costliest form of the call (fresh storage slots, the longest input) plus a margin,
 * never above the block gas limit. The node knows its own gas schedule (Kaia's differs in
 * places), and an estimate that reverts stops the setup with the reason instead of a run of
 * failing transactions.
 */
import { randomBytes } from 'node:crypto';

import { getAddress } from 'ethers/address';
import { hexlify } from 'ethers/utils';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { errorMessage } from '../util/errors.js';
import { toHexQuantity } from './encoding/hex.js';
import { parseQuantity } from './quantity.js';

/** Room for state that differs between the estimate and the real call. */
export const GAS_MARGIN_PERCENT = 50n;

export interface CallArgs {
  readonly from: string;
  /** Absent: a contract creation. */
  readonly to?: string;
  readonly data: string;
  readonly value?: bigint;
}

/** The estimate plus GAS_MARGIN_PERCENT, capped at the block gas limit. Pure. */
export function gasLimitWithMargin(estimate: bigint, blockGasLimit: bigint): bigint {
  if (estimate > blockGasLimit) throw new Error(`needs ${estimate} gas, more than the block gas limit of ${blockGasLimit}`);
  const padded = estimate + (estimate * GAS_MARGIN_PERCENT + 99n) / 100n;
  return padded < blockGasLimit ? padded : blockGasLimit;
}

/** The node's call shape for eth_estimateGas / eth_createAccessList. */
export function callObject(args: CallArgs): Record<string, string> {
  return {
    from: args.from,
    ...(args.to === undefined ? {} : { to: args.to }),
    data: args.data,
    ...(args.value === undefined ? {} : { value: toHexQuantity(args.value) }),
  };
}

/** A gas limit for `args` (see above); rejects with one line naming `what`. */
export async function estimateGasLimit(rpc: JsonRpcClient, args: CallArgs, what: string): Promise<bigint> {
  try {
    const estimate = parseQuantity((await rpc.call('eth_estimateGas', [callObject(args)])).result, 'eth_estimateGas result');
    const block = (await rpc.call('eth_getBlockByNumber', ['latest', false])).result as { gasLimit?: unknown } | null;
    return gasLimitWithMargin(estimate, parseQuantity(block?.gasLimit, 'block gasLimit'));
  } catch (err) {
    throw new Error(`estimating the gas of ${what} failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** An address nobody uses: estimating a call for it prices fresh storage slots. */
export function randomAddress(): string {
  return getAddress(hexlify(randomBytes(20)));
}

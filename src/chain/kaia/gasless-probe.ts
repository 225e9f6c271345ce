/**
 * "Does this node run KIP-247 gasless transactions, and with what?" — asked with
 * `debug_gaslessInfo` (kaiachain/kaia v2's gasless module, served with the debug API), before
 * anything is funded. The answer names the GaslessSwapRouter (from the KIP-149 registry) and
 * the tokens it swaps; a node without the module, with it disabled, or with no router or
 * token is refused in one line naming what is missing.
 */
import { getAddress } from 'ethers/address';
import { ZeroAddress } from 'ethers/constants';

import { RpcError } from '../../rpc/rpc-error.js';
import { errorMessage } from '../../util/errors.js';
import { KaiaFeatureMissingError, type RpcCaller } from './node-probe.js';

export interface GaslessInfo {
  readonly swapRouter: string;
  /** The tokens the router swaps, as the node lists them. */
  readonly tokens: readonly string[];
}

const METHOD = 'debug_gaslessInfo';

export async function probeGasless(rpc: RpcCaller, testCase: string): Promise<GaslessInfo> {
  const missing = (what: string): KaiaFeatureMissingError =>
    new KaiaFeatureMissingError(`${testCase}: the node cannot run KIP-247 gasless transactions: ${what}`);
  let result: unknown;
  try {
    ({ result } = await rpc.call(METHOD, []));
  } catch (err) {
    if (!(err instanceof RpcError && err.kind === 'rpc')) throw new Error(`cannot ask the endpoint for ${METHOD}: ${errorMessage(err)}`, { cause: err });
    throw missing(`${METHOD}: ${err.message} (it needs Kaia v2's gasless module and the debug API)`);
  }
  const info = (typeof result === 'object' && result !== null ? result : {}) as { isDisabled?: unknown; swapRouter?: unknown; allowedTokens?: unknown };
  if (info.isDisabled === true) throw missing(`${METHOD} says the module is disabled`);
  const router = typeof info.swapRouter === 'string' && /^0x[0-9a-fA-F]{40}$/.test(info.swapRouter) ? getAddress(info.swapRouter) : null;
  if (router === null || router === ZeroAddress) throw missing(`${METHOD} names no GaslessSwapRouter (none registered in the KIP-149 registry)`);
  const tokens = Array.isArray(info.allowedTokens) ? info.allowedTokens.filter((t): t is string => typeof t === 'string').map((t) => getAddress(t)) : [];
  if (tokens.length === 0) throw missing(`${METHOD} lists no token the GaslessSwapRouter swaps`);
  return { swapRouter: router, tokens };
}

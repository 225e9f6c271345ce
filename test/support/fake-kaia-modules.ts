/**
 * Kaia v2's modules for the scripted Kaia node (fake-kaia-node.ts), as request handlers:
 *
 * - KIP-247 gasless: `debug_gaslessInfo` names a router and one token; `<ns>_call` answers the
 *   router's getAmountIn (FAKE_TOKENS_PER_KEI tokens per kei), getDEXInfo and WKAIA, the DEX
 *   router's getAmountsIn, and the token's balanceOf; a legacy `swapExactETHForTokens` sent to
 *   the DEX router credits the buyer with value × FAKE_TOKENS_PER_KEI tokens.
 */
import { getAddress, Interface, Transaction } from 'ethers';

import { ERC20_GASLESS, GASLESS_SWAP_ROUTER } from '../../src/chain/kaia/gasless.js';
import type { FakeAnswer, FakeKaiaNode } from './fake-kaia-node.js';
import type { RpcRequest } from './fake-rpc-server.js';

export const FAKE_GSR = getAddress('0x000000000000000000000000000000000000a247');
export const FAKE_TOKEN = getAddress('0x00000000000000000000000000000000000070ce');
export const FAKE_DEX_ROUTER = getAddress('0x0000000000000000000000000000000000000de1');
const FAKE_FACTORY = getAddress('0x0000000000000000000000000000000000000fac');
const FAKE_WKAIA = getAddress('0x000000000000000000000000000000000000a1a0');
/** The scripted DEX's price. */
export const FAKE_TOKENS_PER_KEI = 1_000n;

const DEX = new Interface([
  'function swapExactETHForTokens(uint256 amountOutMin, address[] path, address to, uint256 deadline) payable returns (uint256[] amounts)',
  'function getAmountsIn(uint256 amountOut, address[] path) view returns (uint256[] amounts)',
]);

export interface FakeGasless {
  /** What debug_gaslessInfo answers; null: the node has no gasless module ("method not found"). */
  info: { isDisabled: boolean; swapRouter: string; allowedTokens: string[]; maxBundleTxs: number } | null;
  /** Token balances by lower-case address. */
  readonly balances: Map<string, bigint>;
}

const ok = (result: unknown): FakeAnswer => ({ result });

/** Installs the gasless module on `node`. */
export function installFakeGasless(node: FakeKaiaNode): FakeGasless {
  const gasless: FakeGasless = {
    info: { isDisabled: false, swapRouter: FAKE_GSR, allowedTokens: [FAKE_TOKEN], maxBundleTxs: 100 },
    balances: new Map(),
  };
  const call = (to: string, data: string): FakeAnswer | undefined => {
    const abi = to === FAKE_GSR ? GASLESS_SWAP_ROUTER : to === FAKE_DEX_ROUTER ? DEX : to === FAKE_TOKEN ? ERC20_GASLESS : null;
    const fn = abi?.getFunction(data.slice(0, 10));
    if (abi === null || abi === undefined || fn === null || fn === undefined) return undefined;
    const args = abi.decodeFunctionData(fn, data);
    const result = (values: unknown[]): FakeAnswer => ok(abi.encodeFunctionResult(fn, values));
    switch (fn.name) {
      case 'getAmountIn':
        return result([(args[1] as bigint) * FAKE_TOKENS_PER_KEI]);
      case 'getDEXInfo':
        return result([FAKE_FACTORY, FAKE_DEX_ROUTER]);
      case 'WKAIA':
        return result([FAKE_WKAIA]);
      case 'getAmountsIn':
        return result([[(args[0] as bigint) / FAKE_TOKENS_PER_KEI + 1n, args[0]]]);
      case 'balanceOf':
        return result([gasless.balances.get((args[0] as string).toLowerCase()) ?? 0n]);
    }
    return undefined;
  };
  node.handlers.push((req: RpcRequest): FakeAnswer | undefined => {
    const params = (req.params ?? []) as unknown[];
    if (req.method === 'debug_gaslessInfo') {
      return gasless.info === null ? { error: { code: -32601, message: 'the method debug_gaslessInfo does not exist/is not available' } } : ok(gasless.info);
    }
    if (/^(eth|kaia|klay)_call$/.test(req.method)) {
      const { to, data } = params[0] as { to: string; data: string };
      return call(getAddress(to), data);
    }
    if (req.method === 'eth_sendRawTransaction') {
      // A purchase: credited at once, then passed on for the node to take and mine.
      const tx = Transaction.from(params[0] as string);
      if (tx.to !== null && getAddress(tx.to) === FAKE_DEX_ROUTER && tx.data.startsWith(DEX.getFunction('swapExactETHForTokens')!.selector)) {
        const buyer = (DEX.decodeFunctionData('swapExactETHForTokens', tx.data)[2] as string).toLowerCase();
        gasless.balances.set(buyer, (gasless.balances.get(buyer) ?? 0n) + tx.value * FAKE_TOKENS_PER_KEI);
      }
    }
    return undefined;
  });
  return gasless;
}

/**
 * Tokens for kaiaGaslessTransaction: a gasless swap spends a whitelisted token, and fresh
 * test accounts hold none. Each account that holds less than enough for
 * GASLESS_SWAPS_PER_ACCOUNT swaps buys some with its own KAIA, once, at setup, on the DEX the
 * GaslessSwapRouter itself swaps on (`getDEXInfo(token)`: a Uniswap V2 router,
 * `swapExactETHForTokens` along [WKAIA, token]), see setup-sends.ts.
 */
import { Interface } from 'ethers/abi';

import type { TestAccount } from '../../src/chain/accounts.js';
import { ERC20_GASLESS, GASLESS_SWAP_ROUTER } from '../../src/chain/kaia/gasless.js';
import { mapLimit } from '../../src/util/map-limit.js';
import type { KaiaSetup } from './kaia-setup.js';
import { sendFromEach, view } from './setup-sends.js';

/** Swaps each account can pay for before it runs out of tokens (then its swaps revert). */
export const GASLESS_SWAPS_PER_ACCOUNT = 10n;
/** KAIA spent per token bought, over the router's quote: price impact, and the pool moving. */
const BUY_MARGIN_PERCENT = 100n;
const CONCURRENCY = 8;
/** The purchase's gas limit: a Uniswap V2 swap of KAIA for a token costs about 120,000. */
const BUY_GAS = 300_000n;

const UNISWAP_V2_ROUTER = new Interface([
  'function swapExactETHForTokens(uint256 amountOutMin, address[] path, address to, uint256 deadline) payable returns (uint256[] amounts)',
  'function getAmountsIn(uint256 amountOut, address[] path) view returns (uint256[] amounts)',
]);

export interface TokenSupply {
  readonly swapRouter: string;
  readonly token: string;
  /** Tokens one swap spends. */
  readonly amountIn: bigint;
}

/** The token balance of `holder`, by eth_call. */
export async function tokenBalance(setup: KaiaSetup, token: string, holder: string): Promise<bigint> {
  return (await view(setup, ERC20_GASLESS, token, 'balanceOf', [holder]))[0] as bigint;
}

/**
 * Tops every test account up to GASLESS_SWAPS_PER_ACCOUNT swaps' worth of `supply.token`;
 * rejects with one line naming the account when a purchase fails or buys too little.
 */
export async function buyGaslessTokens(setup: KaiaSetup, supply: TokenSupply): Promise<{ bought: number }> {
  const { token, amountIn } = supply;
  const want = amountIn * GASLESS_SWAPS_PER_ACCOUNT;
  const dexRouter = (await view(setup, GASLESS_SWAP_ROUTER, supply.swapRouter, 'getDEXInfo', [token]))[1] as string;
  const wkaia = (await view(setup, GASLESS_SWAP_ROUTER, supply.swapRouter, 'WKAIA', []))[0] as string;
  const path = [wkaia, token];
  const quote = ((await view(setup, UNISWAP_V2_ROUTER, dexRouter, 'getAmountsIn', [want, path]))[0] as bigint[])[0]!;
  const value = quote + (quote * BUY_MARGIN_PERCENT) / 100n;
  const short = (await mapLimit(setup.accounts.list, CONCURRENCY, async (a) => ((await tokenBalance(setup, token, a.address)) < want ? a : null))).filter(
    (a): a is TestAccount => a !== null,
  );
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 600);
  await sendFromEach(setup, short, `buying ${token}`, (account) => ({
    to: dexRouter,
    data: UNISWAP_V2_ROUTER.encodeFunctionData('swapExactETHForTokens', [0n, path, account.address, deadline]),
    value,
    gasLimit: BUY_GAS,
  }));
  const stillShort = (await mapLimit(short, CONCURRENCY, async (a) => ((await tokenBalance(setup, token, a.address)) < amountIn ? a.address : null))).filter(
    (a) => a !== null,
  );
  if (stillShort.length > 0) throw new Error(`buying ${token}: test account ${stillShort[0]} got less than one swap needs`);
  return { bought: short.length };
}

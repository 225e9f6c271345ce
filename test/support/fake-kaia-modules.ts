/**
 * Kaia v2's modules for the scripted Kaia node (fake-kaia-node.ts), as request handlers:
 *
 * - KIP-247 gasless: `debug_gaslessInfo` names a router and one token; `<ns>_call` answers the
 *   router's getAmountIn (FAKE_TOKENS_PER_KEI tokens per kei), getDEXInfo and WKAIA, the DEX
 *   router's getAmountsIn, and the token's balanceOf; a legacy `swapExactETHForTokens` sent to
 *   the DEX router credits the buyer with value × FAKE_TOKENS_PER_KEI tokens;
 * - KIP-249 auction: `auction_call` (off: "method not found") reads the KIP-149 registry's
 *   AuctionEntryPoint, its auctioneer, deposit vault and searcher nonces, and the vault's
 *   minimum deposit and balances (also through `<ns>_call`); a legacy `deposit()` to the vault
 *   credits its sender; `auction_submitBid` checks a bid as kaiax/auction's bid pool does
 *   (target hash, block range, bid above 0, both signatures, verified with ethers' own EIP-712
 *   and EIP-191 code) and keeps it.
 */
import { getAddress, getBytes, Interface, keccak256, Transaction, verifyMessage, verifyTypedData } from 'ethers';

import { AUCTION_DOMAIN, AUCTION_TX_TYPES } from '../../src/chain/kaia/auction-bid.js';
import { AUCTION_DEPOSIT_VAULT, AUCTION_ENTRY_POINT, KIP149, KIP149_REGISTRY } from '../../src/chain/kaia/auction-probe.js';
import { ERC20_GASLESS, GASLESS_SWAP_ROUTER } from '../../src/chain/kaia/gasless.js';
import type { FakeAnswer, FakeKaiaNode } from './fake-kaia-node.js';
import { FAKE_CHAIN_ID } from './fake-kaia-node.js';
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

export const FAKE_ENTRY_POINT = getAddress('0x0000000000000000000000000000000000000e9f');
export const FAKE_DEPOSIT_VAULT = getAddress('0x0000000000000000000000000000000000000d39');
/** The vault's minimum deposit (the real default is 100 KAIA). */
export const FAKE_MIN_DEPOSIT = 10n ** 17n;

export interface FakeAuction {
  /** false: no auction namespace ("method not found"). */
  enabled: boolean;
  /** What the registry answers for "AuctionEntryPoint" (the zero address: none registered). */
  entryPoint: string;
  auctioneer: string;
  readonly deposits: Map<string, bigint>;
  /** The searchers' entry-point nonces, by lower-case address. */
  readonly nonces: Map<string, bigint>;
  /** Bids the node took, as submitted. */
  readonly bids: Record<string, unknown>[];
}

/** Why the bid pool refuses `bid` (kaiax/auction validateBid), or undefined. */
function bidProblem(auction: FakeAuction, bid: Record<string, unknown>, head: number): string | undefined {
  if (keccak256(bid.targetTxRaw as string) !== bid.targetTxHash) return 'invalid target tx hash';
  const block = bid.blockNumber as number;
  if (!(block > head && block <= head + 2)) return 'invalid block number';
  if (BigInt(bid.bid as string) <= 0n) return 'zero bid';
  const domain = { ...AUCTION_DOMAIN, chainId: FAKE_CHAIN_ID, verifyingContract: auction.entryPoint };
  const value = { ...bid, bid: BigInt(bid.bid as string) };
  if (verifyTypedData(domain, AUCTION_TX_TYPES, value, bid.searcherSig as string) !== getAddress(bid.sender as string)) return 'invalid searcher sig';
  if (verifyMessage(getBytes(bid.searcherSig as string), bid.auctioneerSig as string) !== getAddress(auction.auctioneer)) return 'invalid auctioneer sig';
  return undefined;
}

/** Installs the auction module on `node`, its auctioneer being `auctioneer`. */
export function installFakeAuction(node: FakeKaiaNode, auctioneer: string): FakeAuction {
  const auction: FakeAuction = { enabled: true, entryPoint: FAKE_ENTRY_POINT, auctioneer, deposits: new Map(), nonces: new Map(), bids: [] };
  const call = (to: string, data: string): FakeAnswer | undefined => {
    const abi =
      to === getAddress(KIP149_REGISTRY) ? KIP149 : to === FAKE_ENTRY_POINT ? AUCTION_ENTRY_POINT : to === FAKE_DEPOSIT_VAULT ? AUCTION_DEPOSIT_VAULT : null;
    const fn = abi?.getFunction(data.slice(0, 10));
    if (abi === null || abi === undefined || fn === null || fn === undefined) return undefined;
    const args = abi.decodeFunctionData(fn, data);
    const result = (values: unknown[]): FakeAnswer => ok(abi.encodeFunctionResult(fn, values));
    const key = (a: unknown): string => (a as string).toLowerCase();
    switch (fn.name) {
      case 'getActiveAddr':
        return result([args[0] === 'AuctionEntryPoint' ? auction.entryPoint : '0x0000000000000000000000000000000000000000']);
      case 'auctioneer':
        return result([auction.auctioneer]);
      case 'depositVault':
        return result([FAKE_DEPOSIT_VAULT]);
      case 'getNoncesAndDeposits': {
        const searchers = args[0] as string[];
        return result([searchers.map((a) => auction.nonces.get(key(a)) ?? 0n), searchers.map((a) => auction.deposits.get(key(a)) ?? 0n)]);
      }
      case 'minDepositAmount':
        return result([FAKE_MIN_DEPOSIT]);
      case 'depositBalances':
        return result([auction.deposits.get(key(args[0])) ?? 0n]);
    }
    return undefined;
  };
  node.handlers.push((req: RpcRequest): FakeAnswer | undefined => {
    const params = (req.params ?? []) as unknown[];
    if (req.method.startsWith('auction_') && !auction.enabled) {
      return { error: { code: -32601, message: `the method ${req.method} does not exist/is not available` } };
    }
    if (/^(eth|kaia|klay|auction)_call$/.test(req.method)) {
      const { to, data } = params[0] as { to: string; data: string };
      return call(getAddress(to), data);
    }
    if (req.method === 'auction_submitBid') {
      const bid = params[0] as Record<string, unknown>;
      const problem = bidProblem(auction, bid, node.head());
      if (problem !== undefined) return ok({ err: problem });
      auction.bids.push(bid);
      return ok({ bidHash: keccak256(bid.searcherSig as string) });
    }
    if (req.method === 'eth_sendRawTransaction') {
      const tx = Transaction.from(params[0] as string);
      if (tx.to !== null && getAddress(tx.to) === FAKE_DEPOSIT_VAULT) {
        const from = tx.from!.toLowerCase();
        auction.deposits.set(from, (auction.deposits.get(from) ?? 0n) + tx.value);
      }
    }
    return undefined;
  });
  return auction;
}

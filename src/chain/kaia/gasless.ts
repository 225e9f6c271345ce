/**
 * KIP-247 gasless transactions, as kaiachain/kaia v2 checks them (kaiax/gasless): a user who
 * holds a whitelisted token but no KAIA sends two legacy (type 0) transactions, and the block
 * proposer lends the gas and is repaid out of the swap.
 *
 *   ApproveTx (nonce n)   to = the token, `approve(swapRouter, MaxUint256)`
 *   SwapTx    (nonce n+1) to = the GaslessSwapRouter,
 *                         `swapForGas(token, amountIn, minAmountOut, amountRepay, deadline)`
 *
 * The node takes the pair as gasless only when the approve's nonce is the sender's mined
 * nonce, and only when `amountRepay` is exactly what the proposer lends plus its own lend
 * transaction's fee: swap.gasPrice × 21,000 + approve.gasPrice × approve.gas + swap.gasPrice ×
 * swap.gas (the approve's part only when there is one). `minAmountOut` must cover
 * `amountRepay`, and `amountIn` must buy at least `minAmountOut` at the router's price
 * (`getAmountIn`). Legacy transactions only: the node must know the most each can cost.
 */
import { Interface } from 'ethers/abi';
import { MaxUint256 } from 'ethers/constants';

/** params.TxGas: the lend transaction the proposer adds is a plain 21,000-gas transfer. */
const LEND_TX_GAS = 21_000n;

export const ERC20_GASLESS = new Interface([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address account) view returns (uint256)',
]);

export const GASLESS_SWAP_ROUTER = new Interface([
  'function swapForGas(address token, uint256 amountIn, uint256 minAmountOut, uint256 amountRepay, uint256 deadline)',
  'function getAmountIn(address token, uint256 amountOut) view returns (uint256)',
  'function getDEXInfo(address token) view returns (address factory, address router)',
  'function WKAIA() view returns (address)',
]);

/** The legacy transactions of a gasless pair, as far as the repayment goes. */
export interface GaslessFees {
  /** Gas price of both transactions (kei). */
  readonly gasPrice: bigint;
  /** Gas limit of the approve; absent for a swap without one. */
  readonly approveGas?: bigint;
  readonly swapGas: bigint;
}

/** What the swap must repay the proposer (KIP-247 R1 + R2 + R3). Pure. */
export function gaslessRepayAmount(fees: GaslessFees): bigint {
  const approveFee = fees.approveGas === undefined ? 0n : fees.gasPrice * fees.approveGas;
  return fees.gasPrice * LEND_TX_GAS + approveFee + fees.gasPrice * fees.swapGas;
}

/** The approve the node recognises: the whole allowance to the swap router. */
export function gaslessApproveData(swapRouter: string): string {
  return ERC20_GASLESS.encodeFunctionData('approve', [swapRouter, MaxUint256]);
}

export interface SwapArgs {
  readonly token: string;
  readonly amountIn: bigint;
  readonly minAmountOut: bigint;
  readonly amountRepay: bigint;
  /** Unix seconds. */
  readonly deadline: bigint;
}

export function gaslessSwapData(args: SwapArgs): string {
  return GASLESS_SWAP_ROUTER.encodeFunctionData('swapForGas', [args.token, args.amountIn, args.minAmountOut, args.amountRepay, args.deadline]);
}

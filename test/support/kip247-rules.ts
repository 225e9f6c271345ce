/**
 * KIP-247's rules for a gasless pair, written out from kaiachain/kaia v2's checks
 * (kaiax/gasless: IsApproveTx A1–A4, IsSwapTx S1–S3, VerifyExecutable AP1, SP1–SP4, and the
 * pool's static amount and deadline checks), independently of the code under test: the
 * violations of an approve and a swap as sent, none when the node would take them as gasless.
 */
import { getAddress, Interface, MaxUint256, Transaction } from 'ethers';

const ERC20 = new Interface(['function approve(address spender, uint256 amount)']);
const ROUTER = new Interface(['function swapForGas(address token, uint256 amountIn, uint256 minAmountOut, uint256 amountRepay, uint256 deadline)']);

export interface GaslessNode {
  readonly swapRouter: string;
  readonly allowedTokens: readonly string[];
  /** The sender's mined nonce. */
  readonly stateNonce: number;
  /** Unix seconds of the latest block. */
  readonly now: bigint;
}

export function kip247Violations(approveRaw: string, swapRaw: string, node: GaslessNode): string[] {
  const approve = Transaction.from(approveRaw);
  const swap = Transaction.from(swapRaw);
  const v: string[] = [];
  const allowed = new Set(node.allowedTokens.map((t) => getAddress(t)));
  if (approve.type !== 0 || swap.type !== 0) v.push('not legacy transactions');
  if (approve.to === null || !allowed.has(getAddress(approve.to))) v.push('A1 approve is not to an allowed token');
  const a = ERC20.parseTransaction({ data: approve.data });
  if (a?.name !== 'approve') return [...v, 'A2 not approve(spender, amount)'];
  if (getAddress(a.args[0] as string) !== getAddress(node.swapRouter)) v.push('A3 spender is not the swap router');
  if ((a.args[1] as bigint) !== MaxUint256) v.push('A4 amount is not MaxUint256');
  if (swap.to === null || getAddress(swap.to) !== getAddress(node.swapRouter)) v.push('S1 swap is not to the swap router');
  const s = ROUTER.parseTransaction({ data: swap.data });
  if (s?.name !== 'swapForGas') return [...v, 'S2 not swapForGas(...)'];
  const [token, amountIn, minAmountOut, amountRepay, deadline] = s.args as unknown as [string, bigint, bigint, bigint, bigint];
  if (!allowed.has(getAddress(token))) v.push('S3 token is not allowed');
  if (approve.from !== swap.from) v.push('AP1 different senders');
  if (approve.to !== null && getAddress(approve.to) !== getAddress(token)) v.push('SP1 approve is for another token');
  if ((a.args[1] as bigint) < amountIn) v.push('SP2 approve amount below amountIn');
  if (approve.nonce + 1 !== swap.nonce) v.push('SP3 nonces not consecutive');
  if (approve.nonce !== node.stateNonce) v.push('SP3 approve nonce is not the mined nonce');
  const fee = (tx: Transaction): bigint => tx.gasPrice! * tx.gasLimit;
  if (amountRepay !== swap.gasPrice! * 21_000n + fee(approve) + fee(swap)) v.push('SP4 amountRepay is not lend fee + approve fee + swap fee');
  if (minAmountOut < amountRepay) v.push('minAmountOut below amountRepay');
  if (deadline < node.now) v.push('deadline passed');
  return v;
}

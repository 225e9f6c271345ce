/**
 * The KIP-247 gasless test cases of kaia-load-tester (2025): kaiaGaslessTransaction
 * (gaslessTransactionTC), kaiaGaslessRevertTransaction (gaslessRevertTransactionTC) and
 * kaiaGaslessOnlyApprove (gaslessOnlyApproveTC). Each iteration sends, from a random test
 * account, legacy transactions built as src/chain/kaia/gasless.ts describes:
 *
 * - kaiaGaslessTransaction: approve(router, max) at nonce n and swapForGas at n+1, repaying
 *   exactly what the proposer lends; the accounts buy the token at setup (gasless-tokens.ts);
 * - kaiaGaslessRevertTransaction: the same pair, swapping more tokens than exist (MaxUint256),
 *   so the swap reverts ("Insufficient token balance") — the Go tool used accounts given no
 *   tokens; a node that checks balances (--gasless.balance-check-level above 0) refuses it;
 * - kaiaGaslessOnlyApprove: the approve alone. Kaia's pool promotes a gasless approve only
 *   with its swap behind it, and drops a lone one after its queue timeout (10 s), so the
 *   `mined` row shows drops: what it measures is the node taking approvals in.
 *
 * Setup asks `debug_gaslessInfo` for the router and its tokens before anything is funded
 * (gasless-probe.ts) and swaps the first token in address order. Recorded like the other
 * Kaia test cases: every send under `<ns>_sendRawTransaction`, each transaction settled by
 * the chain-truth tracker under `mined`. No re-send stands in for them (the amounts are tied
 * to the gas price). The node takes a pair as gasless only when the approve is at the
 * account's mined nonce: with --max-pending above 1 an account's next pair can be sent while
 * its last is pending, and the node then runs it as two ordinary transactions the account
 * pays for; setup says so.
 */
import { MaxUint256 } from 'ethers/constants';

import type { TestCase } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import { maxPricePerGas } from '../../src/chain/chain-context.js';
import { GASLESS_SWAP_ROUTER, gaslessApproveData, gaslessRepayAmount, gaslessSwapData } from '../../src/chain/kaia/gasless.js';
import { type GaslessInfo, probeGasless } from '../../src/chain/kaia/gasless-probe.js';
import { signEthTx } from '../../src/chain/signing/eth-tx.js';
import type { SignedTx } from '../../src/chain/signing/sign-transfer.js';
import { buyGaslessTokens } from './gasless-tokens.js';
import type { KaiaSetup } from './kaia-setup.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { sendFromTestAccount, type SignedPlan } from './send-kaia-tx.js';
import { view } from './setup-sends.js';

/** kaia-load-tester's gas limits: the approve costs about 46,000, the swap about 150,000. */
const APPROVE_GAS = 100_000n;
const SWAP_GAS = 500_000n;
/** Tokens offered over the router's price for the repayment: the pool moves between setup and swap. */
const AMOUNT_IN_MARGIN_PERCENT = 20n;
/** How long a swap stays valid, in seconds. */
const DEADLINE_S = 600;

type Variant = 'swap' | 'revert' | 'approveOnly';

interface GaslessPlan {
  readonly token: string;
  readonly swapRouter: string;
  /** Tokens to offer for a repayment of `repay`; MaxUint256 for the reverting swap. */
  amountIn(repay: bigint): bigint;
}

/** Signs a legacy call from `from` at `gasPrice`. */
function legacyCall(setup: KaiaSetup, from: TestAccount, gasPrice: bigint, to: string, data: string, gasLimit: bigint) {
  return (nonce: number): SignedTx =>
    signEthTx(from.signer, { type: 0, chainId: setup.chainId, nonce, to, data, value: 0n, gasLimit, fee: { type: 'legacy', gasPrice } });
}

/** One iteration's transactions, all at one gas price (the repayment depends on it). */
function pairFrom(setup: KaiaSetup, plan: GaslessPlan, variant: Variant, from: TestAccount): SignedPlan {
  const gasPrice = maxPricePerGas(setup.fees.current());
  const approve = legacyCall(setup, from, gasPrice, plan.token, gaslessApproveData(plan.swapRouter), APPROVE_GAS);
  if (variant === 'approveOnly') return { sign: approve, replaceable: false };
  const amountRepay = gaslessRepayAmount({ gasPrice, approveGas: APPROVE_GAS, swapGas: SWAP_GAS });
  const deadline = BigInt(Math.floor(Date.now() / 1000) + DEADLINE_S);
  const data = gaslessSwapData({ token: plan.token, amountIn: plan.amountIn(amountRepay), minAmountOut: amountRepay, amountRepay, deadline });
  return { sign: approve, followUps: [{ nonceOffset: 1, sign: legacyCall(setup, from, gasPrice, plan.swapRouter, data, SWAP_GAS) }], replaceable: false };
}

function gaslessTestCase(name: string, alias: string, variant: Variant, description: string): TestCase {
  return defineKaiaTestCase<GaslessInfo>({
    name,
    alias,
    description,
    probe: (ctx) => probeGasless(ctx.rpc, name),
    async ready(setup, ctx, info) {
      const token = [...info.tokens].sort()[0]!;
      const { swapRouter } = info;
      if (setup.settings.maxPending !== 1) {
        ctx.log.warn(
          { testCase: name, maxPending: setup.settings.maxPending },
          'with --max-pending above 1 an account may send its next gasless pair while its last is pending; the node then runs it as ordinary transactions the account pays for (--max-pending 1 keeps every pair gasless)',
        );
      }
      // The reverting swap offers more than exists; the approve alone offers nothing.
      let amountIn: (repay: bigint) => bigint = () => MaxUint256;
      if (variant === 'swap') {
        // The router's price for one repayment now, scaled with the repayment (it follows the gas price).
        const baseRepay = gaslessRepayAmount({ gasPrice: maxPricePerGas(setup.fees.current()), approveGas: APPROVE_GAS, swapGas: SWAP_GAS });
        const baseIn = (await view(setup, GASLESS_SWAP_ROUTER, swapRouter, 'getAmountIn', [token, baseRepay]))[0] as bigint;
        amountIn = (repay) => (baseIn * repay * (100n + AMOUNT_IN_MARGIN_PERCENT) + baseRepay * 100n - 1n) / (baseRepay * 100n);
        const { bought } = await buyGaslessTokens(setup, {
          swapRouter,
          token,
          amountIn: amountIn(baseRepay),
        });
        ctx.log.info({ testCase: name, token, swapRouter, accountsBought: bought }, 'gasless tokens ready');
      }
      const plan: GaslessPlan = { token, swapRouter, amountIn };
      return {
        async run(user) {
          await sendFromTestAccount(user, setup, (from) => pairFrom(setup, plan, variant, from));
        },
      };
    },
  });
}

export const kaiaGaslessTransaction = gaslessTestCase(
  'kaiaGaslessTransaction',
  'gaslessTransactionTC',
  'swap',
  'KIP-247 gasless pair: approve(router, max) and swapForGas of a whitelisted token at the next nonce, repaying the proposer exactly',
);

export const kaiaGaslessRevertTransaction = gaslessTestCase(
  'kaiaGaslessRevertTransaction',
  'gaslessRevertTransactionTC',
  'revert',
  'KIP-247 gasless pair whose swap reverts (it offers more tokens than exist); needs a node without token balance checks',
);

export const kaiaGaslessOnlyApprove = gaslessTestCase(
  'kaiaGaslessOnlyApprove',
  'gaslessOnlyApproveTC',
  'approveOnly',
  "KIP-247 approve(router, max) alone; Kaia's pool never promotes a lone gasless approve and drops it after 10 s",
);

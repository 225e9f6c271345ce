/**
 * valueTransferWithCheck: a value transfer that counts only once it is mined with status 1
 * and both balances moved by exactly the value and the fee. The recorded time runs from the
 * send to the first poll that saw the receipt; the balance check is not timed.
 */
import { checkTransferBalances, type CheckMethods } from './balance-check.js';
import { waitForReceipt } from './receipt-wait.js';
import { sendRandomTransfer } from './random-transfer.js';
import { requireTxSession } from './tx-session.js';
import type { TestCase } from './types.js';
import { prepareTransfers } from './value-transfer.js';

const NAME = 'valueTransferWithCheck';

export const valueTransferWithCheck: TestCase = {
  name: NAME,
  aliases: ['transferSignedWithCheckTx'],
  description: 'value transfer that waits for its receipt (status 1) and checks both balances; time = send to confirmation',
  async setup(ctx) {
    const tx = requireTxSession(ctx, NAME);
    const setup = await prepareTransfers(ctx, NAME);
    const { label } = setup;
    const receiptMethod = tx.method('getTransactionReceipt');
    const methods: CheckMethods = {
      getBalance: tx.method('getBalance'),
      getBlockByNumber: tx.method('getBlockByNumber'),
      getTransactionReceipt: receiptMethod,
      getBlockReceipts: tx.method('getBlockReceipts'),
    };
    const timeoutMs = tx.settings.receiptTimeoutMs;
    return {
      async run(user) {
        const attempt = await sendRandomTransfer(user, setup, false);
        if (attempt === null || !attempt.result.accepted) return;
        const { hash, startedAt } = attempt.result;
        const waited = await waitForReceipt(ctx.rpc, receiptMethod, hash, startedAt + timeoutMs, user.signal);
        // A user stopped mid-wait records nothing: the outcome is unknown, not a failure.
        if (waited.kind === 'aborted') return;
        if (waited.kind === 'timeout') {
          const why = waited.lastError === null ? '' : ` (last poll: ${waited.lastError})`;
          user.recorder.failure(label.type, label.name, performance.now() - startedAt, `no receipt within ${timeoutMs / 1000} s${why}`);
          return;
        }
        const ms = waited.at - startedAt;
        let problem: string | undefined;
        try {
          problem = await checkTransferBalances(ctx.rpc, methods, { from: attempt.from.address, to: attempt.to.address, value: attempt.value, receipt: waited.receipt });
        } catch (err) {
          problem = `balance check failed: ${err instanceof Error ? err.message : String(err)}`;
        }
        if (problem === undefined) user.recorder.success(label.type, label.name, ms, waited.bytes);
        else user.recorder.failure(label.type, label.name, ms, problem);
      },
    };
  },
};

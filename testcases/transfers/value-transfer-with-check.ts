/**
 * valueTransferWithCheck: a value transfer that counts only once it is mined with status 1
 * and both balances moved by exactly the value and the fee. The recorded time runs from the
 * send to the block that holds it, as the inclusion tracker saw it; the receipt read and the
 * balance check are not timed.
 */
import { defineTestCase } from '../../src/api/test-case.js';
import type { Settlement } from '../../src/chain/inclusion/types.js';
import { readReceipt } from '../../src/chain/receipt-wait.js';
import { errorMessage } from '../../src/util/errors.js';
import { type CheckMethods, checkTransferBalances } from './balance-check.js';
import { sendRandomTransfer } from './random-transfer.js';
import { prepareTransfers } from './value-transfer.js';

const NAME = 'valueTransferWithCheck';

export const valueTransferWithCheck = defineTestCase({
  name: NAME,
  aliases: ['transferSignedWithCheckTx'],
  description: 'value transfer that waits for its receipt (status 1) and checks both balances; time = send to confirmation',
  async setup(ctx) {
    const tx = ctx.tx;
    const setup = await prepareTransfers(ctx, NAME);
    const { label } = setup;
    const receiptMethod = tx.method('getTransactionReceipt');
    const methods: CheckMethods = {
      getBalance: tx.method('getBalance'),
      getBlockByNumber: tx.method('getBlockByNumber'),
      getTransactionReceipt: receiptMethod,
      getBlockReceipts: tx.method('getBlockReceipts'),
    };
    return {
      async run(user) {
        let settled: (s: Settlement) => void = () => undefined;
        const onChain = new Promise<Settlement>((resolve) => (settled = resolve));
        const attempt = await sendRandomTransfer(user, setup, false, (s) => settled(s));
        if (attempt === null || !attempt.result.accepted) return;
        const { hash, startedAt } = attempt.result;
        const outcome = await untilAborted(onChain, user.signal);
        // A user stopped mid-wait, or a test ended first, records nothing: the outcome is unknown, not a failure.
        if (outcome === null || outcome.kind === 'unresolved') return;
        if (outcome.kind === 'dropped') {
          user.recorder.failure(label.type, label.name, performance.now() - startedAt, outcome.reason);
          return;
        }
        const read = await readReceipt(ctx.rpc, receiptMethod, hash);
        if (read === null) {
          user.recorder.failure(label.type, label.name, outcome.at - startedAt, `mined, but ${receiptMethod} has no receipt for it`);
          return;
        }
        const waited = { ...read, at: outcome.at };
        const ms = waited.at - startedAt;
        let problem: string | undefined;
        try {
          problem = await checkTransferBalances(ctx.rpc, methods, {
            from: attempt.from.address,
            to: attempt.to.address,
            value: attempt.value,
            receipt: waited.receipt,
          });
        } catch (err) {
          problem = `balance check failed: ${errorMessage(err)}`;
        }
        if (problem === undefined) user.recorder.success(label.type, label.name, ms, waited.bytes);
        else user.recorder.failure(label.type, label.name, ms, problem);
      },
    };
  },
});

/** The promise's value, or null once `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

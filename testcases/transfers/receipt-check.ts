/**
 * receiptCheck: one value transfer to nine receipt reads of stored transactions. Only
 * hashes the node accepted are stored (the newest RING_SIZE of them), so a read asks about
 * a transaction that exists. A missing receipt is fine while the transaction is young
 * (not mined yet); after the receipt timeout it is a failure.
 */
import { defineTestCase } from '../../src/api/test-case.js';
import type { Validate } from '../../src/runner/timed-call.js';
import { timedCall } from '../../src/runner/timed-call.js';
import { HashRing } from './hash-ring.js';
import { sendRandomTransfer } from './random-transfer.js';
import { prepareTransfers } from './value-transfer.js';

const NAME = 'receiptCheck';
const RING_SIZE = 10_000;
/** One send, then READS_PER_SEND reads, process-wide across this test case's users. */
const READS_PER_SEND = 9;

export const receiptCheck = defineTestCase({
  name: NAME,
  aliases: ['receiptCheckTx'],
  description: `1 value transfer : ${READS_PER_SEND} getTransactionReceipt reads of accepted transactions`,
  async setup(ctx) {
    const tx = ctx.tx;
    const setup = await prepareTransfers(ctx, NAME);
    const readMethod = tx.method('getTransactionReceipt');
    const readLabel = { type: readMethod, name: NAME };
    const timeoutMs = tx.settings.receiptTimeoutMs;
    const ring = new HashRing(RING_SIZE);
    let iteration = 0;
    return {
      async run(user) {
        const stored = iteration++ % (READS_PER_SEND + 1) === 0 ? undefined : ring.random();
        if (stored === undefined) {
          const attempt = await sendRandomTransfer(user, setup);
          if (attempt?.result.accepted) ring.push({ hash: attempt.result.hash, acceptedAt: attempt.result.startedAt });
          return;
        }
        const validate: Validate = (result) => {
          if (result === null) {
            return performance.now() - stored.acceptedAt > timeoutMs ? `no receipt ${timeoutMs / 1000} s after the transaction was accepted` : undefined;
          }
          const hash = (result as { transactionHash?: unknown }).transactionHash;
          if (typeof hash === 'string' && hash.toLowerCase() === stored.hash.toLowerCase()) return undefined;
          return `invalid ${readMethod} result: not the receipt of the requested transaction`;
        };
        await timedCall(user, ctx.rpc, readLabel, readMethod, [stored.hash], validate);
      },
    };
  },
});

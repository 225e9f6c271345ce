/**
 * userStorageSetGet: UserStorage.set(a random value) from the sender; once the chain holds it,
 * UserStorage.get() from the sender, read at the block that holds it, must return that value
 * (the Go tools' userStorageSetGetTx). Counted once mined and read back (see confirmed-send.ts):
 * the account stays leased until then, so no other transaction of it can change the value in
 * between, and the time runs from the send to the block. The Go tools polled for the receipt
 * without end, holding the account's lock; here a set not mined within --receipt-timeout is a
 * failure (`not mined within N s`), and the mined row still says what the chain did with it.
 */
import { randomBytes } from 'node:crypto';

import { Interface } from 'ethers/abi';

import { defineTestCase } from '../../src/api/test-case.js';
import { randomAddress } from '../../src/chain/gas-limit.js';
import type { Receipt } from '../../src/chain/receipt-wait.js';
import { describeResult } from '../../src/runner/timed-call.js';
import { validateAbiResult } from '../reads/call.js';
import { loadArtifact } from './artifacts.js';
import { prepareContractCalls, sendConfirmedCall } from './contract-call.js';

const NAME = 'userStorageSetGet';
const USER_STORAGE = new Interface(loadArtifact('UserStorage').abi);
const GET = USER_STORAGE.encodeFunctionData('get', []);

/** Never zero: a zero would read back the same from a slot never written. */
function randomValue(): bigint {
  return BigInt(`0x${randomBytes(8).toString('hex')}`) | 1n;
}

export const userStorageSetGet = defineTestCase({
  name: NAME,
  aliases: ['userStorageSetGetTx', 'userStorageSetGetTC'],
  description:
    'UserStorage.set(random), then get() from the sender at the block holding it must return it; success = mined and read back within --receipt-timeout (time = send to block)',
  async setup(ctx) {
    const tx = ctx.tx;
    // The costliest set: a sender that never set anything (a zero slot made non-zero).
    const setup = await prepareContractCalls(ctx, NAME, 'UserStorage', (contract) => ({
      from: randomAddress(),
      to: contract,
      data: USER_STORAGE.encodeFunctionData('set', [randomValue()]),
    }));
    const { accounts, contract } = setup;
    const callMethod = tx.method('call');
    const timeoutMs = tx.settings.receiptTimeoutMs;

    /** Why get() from `from` at the receipt's block does not return `value`, or undefined. */
    async function readBack(from: string, value: bigint, receipt: Receipt): Promise<string | undefined> {
      const { result } = await ctx.rpc.call(callMethod, [{ from, to: contract, data: GET }, receipt.blockNumber]);
      const invalid = validateAbiResult(USER_STORAGE, 'get', callMethod, result);
      if (invalid !== undefined) return invalid;
      const read = USER_STORAGE.decodeFunctionResult('get', result as string)[0] as bigint;
      return read === value ? undefined : `get() read back ${describeResult(read.toString())}, not the value set`;
    }

    return {
      async run(user) {
        const lease = await accounts.nonces.lease(user.signal);
        if (lease === null) return;
        const value = randomValue();
        await sendConfirmedCall(user, setup, lease, USER_STORAGE.encodeFunctionData('set', [value]), {
          timeoutMs,
          check: (receipt) => readBack(lease.account.address, value, receipt),
        });
      },
    };
  },
});

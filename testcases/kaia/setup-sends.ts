/**
 * Transactions test accounts send at setup, before any user runs, each confirmed with status
 * 1 (a gasless test case's token purchases, an auction's searcher deposits). They go around
 * the nonce manager, which reads every nonce again afterwards. Legacy, through eth_*: Kaia
 * answers it for legacy transactions, and its kaia_ namespace spells chainID differently.
 */
import type { Interface, Result } from 'ethers/abi';

import type { TestAccount } from '../../src/chain/accounts.js';
import { createTransactionSender, type TransactionRequest } from '../../src/chain/deploy.js';
import { errorMessage } from '../../src/util/errors.js';
import { mapLimit } from '../../src/util/map-limit.js';
import type { KaiaSetup } from './kaia-setup.js';

const CONCURRENCY = 8;

/** Sends `request(account)` from each of `accounts`; rejects with one line naming `what` and the account. */
export async function sendFromEach(
  setup: KaiaSetup,
  accounts: readonly TestAccount[],
  what: string,
  request: (account: TestAccount) => TransactionRequest,
): Promise<void> {
  if (accounts.length === 0) return;
  try {
    await mapLimit(accounts, CONCURRENCY, async (account) => {
      const sender = createTransactionSender({
        rpc: setup.rpc,
        signer: account.signer,
        namespace: 'eth',
        receiptTimeoutMs: setup.settings.receiptTimeoutMs,
      });
      try {
        await sender.send(request(account));
      } catch (err) {
        throw new Error(`${what} for test account ${account.address}: ${errorMessage(err)}`, { cause: err });
      }
    });
  } finally {
    setup.accounts.nonces.resyncAll();
  }
}

/** A view function's results, by `<namespace>_call` at the latest block. */
export async function view(setup: KaiaSetup, abi: Interface, to: string, fn: string, args: readonly unknown[]): Promise<Result> {
  const method = `${setup.namespace}_call`;
  const { result } = await setup.rpc.call(method, [{ to, data: abi.encodeFunctionData(fn, args) }, 'latest']);
  if (typeof result !== 'string') throw new Error(`${method} of ${fn} on ${to} returned ${JSON.stringify(result)}`);
  return abi.decodeFunctionResult(fn, result);
}

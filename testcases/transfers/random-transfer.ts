/**
 * One value transfer between random test accounts: lease a sender, pick another account as
 * recipient and a small non-zero value, sign (or have the node sign), send. Shared by the
 * transfer test cases.
 */
import type { TestAccount } from '../../src/chain/accounts.js';
import type { ChainContext } from '../../src/chain/chain-context.js';
import type { Settlement } from '../../src/chain/inclusion/types.js';
import type { RpcNamespace } from '../../src/chain/rpc-namespace.js';
import { backOff, type Outgoing, type SendResult, sendUnderLease } from '../../src/chain/send-transaction.js';
import { rawForNamespace } from '../../src/chain/signing/eth-tx.js';
import { signTransfer } from '../../src/chain/signing/sign-transfer.js';
import type { FundedAccounts } from '../../src/chain/tx-session.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { User } from '../../src/runner/task.js';
import type { CallLabel } from '../../src/runner/timed-call.js';

/** Values are 1 to MAX_VALUE wei: non-zero so a balance check sees them, tiny so funds last. */
const MAX_VALUE = 1000;

export interface TransferSetup {
  rpc: JsonRpcClient;
  chain: ChainContext;
  accounts: FundedAccounts;
  label: CallLabel;
  /** e.g. "eth_sendRawTransaction" */
  sendMethod: string;
  /** Kaia's kaia_/klay_ send methods take Ethereum typed transactions in a 0x78 envelope. */
  namespace: RpcNamespace;
  /** Builds the transfer at a nonce for the node to sign; absent: it is signed here. */
  build?: (transfer: { from: TestAccount; to: TestAccount; value: bigint; nonce: number }) => Outgoing;
}

export interface TransferAttempt {
  readonly from: TestAccount;
  readonly to: TestAccount;
  readonly value: bigint;
  readonly result: SendResult;
}

/**
 * Returns null when the user was stopped while waiting for a free account (nothing was
 * sent or recorded). `recordSuccess: false` leaves the success record to the caller, and
 * `onSettled` is told what the chain did with an accepted transfer.
 */
export async function sendRandomTransfer(
  user: User,
  setup: TransferSetup,
  recordSuccess = true,
  onSettled?: (s: Settlement) => void,
): Promise<TransferAttempt | null> {
  const { list, nonces } = setup.accounts;
  const lease = await nonces.lease(user.signal);
  if (lease === null) return null;
  const from = lease.account;
  const to = pickRecipient(list, from.index);
  const value = BigInt(1 + Math.floor(Math.random() * MAX_VALUE));
  const { chain } = setup;
  const result = await sendUnderLease({
    user,
    rpc: setup.rpc,
    label: setup.label,
    method: setup.sendMethod,
    lease,
    fees: chain.fees,
    tracker: setup.accounts.tracker,
    recordSuccess,
    onSettled,
    // A caller that waits for this transfer checks its own balances: nothing may stand in for it.
    replaceable: onSettled === undefined,
    sign: (nonce) =>
      setup.build?.({ from, to, value, nonce }) ??
      rawForNamespace(signTransfer(from.signer, { chainId: chain.chainId, nonce, to: to.address, value, fee: chain.fees.current() }), setup.namespace),
  });
  if (!result.accepted && result.reason === 'overloaded') await backOff(user.signal);
  return { from, to, value, result };
}

/** A random account other than the sender (the sender itself when it is the only one). */
export function pickRecipient<A>(list: readonly A[], fromIndex: number): A {
  if (list.length === 1) return list[0]!;
  const r = Math.floor(Math.random() * (list.length - 1));
  return list[r >= fromIndex ? r + 1 : r]!;
}

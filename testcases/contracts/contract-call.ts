/**
 * One contract call from a leased test account, counted like valueTransfer: success = the
 * node's pool accepted it, the time is the send alone. The shared shape of erc20Transfer,
 * storageWrite, cpuHeavy, largeMemo and userStorage. The transaction type follows --tx-type
 * (type 2 with 1559 fees, else legacy); the gas limit is fixed once at setup.
 */
import type { TestCaseContext } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import type { ChainContext } from '../../src/chain/chain-context.js';
import { type CallArgs, estimateGasLimit } from '../../src/chain/gas-limit.js';
import type { RpcNamespace } from '../../src/chain/rpc-namespace.js';
import { backOff, type SendResult, sendUnderLease } from '../../src/chain/send-transaction.js';
import { rawForNamespace, signEthTx, txTypeForFee } from '../../src/chain/signing/eth-tx.js';
import { type FundedAccounts } from '../../src/chain/tx-session.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { User } from '../../src/runner/task.js';
import type { CallLabel } from '../../src/runner/timed-call.js';
import { deployedContract } from '../reads/read-context.js';
import type { ArtifactName } from './artifacts.js';

export interface ContractCallSetup {
  rpc: JsonRpcClient;
  chain: ChainContext;
  accounts: FundedAccounts;
  /** type = the send method, name = the test case. */
  label: CallLabel;
  namespace: RpcNamespace;
  /** The contract every call goes to. */
  contract: string;
  gasLimit: bigint;
}

/** The costliest form of the call, for the gas estimate at setup. */
export type CostliestCall = (contract: string, from: TestAccount) => CallArgs;

/** Funded accounts, then `contract` deployed (by the rich key, once per process), then the gas limit. */
export async function prepareContractCalls(ctx: TestCaseContext, name: string, contract: ArtifactName, costliest: CostliestCall): Promise<ContractCallSetup> {
  const tx = ctx.tx;
  const chain = await tx.chain();
  // Funding spends from the rich key too: it must be over before the deployment.
  const accounts = await tx.accounts();
  const address = await deployedContract(ctx, name, contract);
  return withContract(ctx, name, { chain, accounts, contract: address }, costliest);
}

/** The setup for calls to an already deployed `contract`. */
export async function withContract(
  ctx: TestCaseContext,
  name: string,
  parts: { chain: ChainContext; accounts: FundedAccounts; contract: string },
  costliest: CostliestCall,
): Promise<ContractCallSetup> {
  const tx = ctx.tx;
  const gasLimit = await estimateGasLimit(ctx.rpc, costliest(parts.contract, parts.accounts.list[0]!), `${name}'s call`);
  const method = tx.method('sendRawTransaction');
  return { rpc: ctx.rpc, ...parts, label: { type: method, name }, namespace: tx.settings.rpcNamespace, gasLimit };
}

/** Leases an account, sends `data(from)` to the contract, and backs off after an overloaded node. null: stopped while waiting for an account. */
export async function sendContractCall(user: User, setup: ContractCallSetup, data: (from: TestAccount) => string): Promise<SendResult | null> {
  const lease = await setup.accounts.nonces.lease(user.signal);
  if (lease === null) return null;
  const from = lease.account;
  const { chain } = setup;
  const result = await sendUnderLease({
    user,
    rpc: setup.rpc,
    label: setup.label,
    method: setup.label.type,
    lease,
    fees: chain.fees,
    tracker: setup.accounts.tracker,
    sign: (nonce) => {
      const fee = chain.fees.current();
      const signed = signEthTx(from.signer, {
        type: txTypeForFee(fee),
        chainId: chain.chainId,
        nonce,
        to: setup.contract,
        data: data(from),
        value: 0n,
        gasLimit: setup.gasLimit,
        fee,
      });
      return rawForNamespace(signed, setup.namespace);
    },
  });
  if (!result.accepted && result.reason === 'overloaded') await backOff(user.signal);
  return result;
}

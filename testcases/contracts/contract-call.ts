/**
 * One contract call from a leased test account, counted like valueTransfer: success = the
 * node's pool accepted it, the time is the send alone. The shared shape of erc20Transfer,
 * storageWrite, cpuHeavy, largeMemo, userStorage, doNothing, internalTx, mintNft and the
 * BlockBench operations. The transaction type follows --tx-type (type 2 with 1559 fees, else
 * legacy); the gas limit is fixed once at setup.
 */
import { defineTestCase, type TestCase, type TestCaseContext } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import type { ChainContext } from '../../src/chain/chain-context.js';
import { type ConfirmedSendRequest, sendConfirmed } from '../../src/chain/confirmed-send.js';
import { type CallArgs, estimateGasLimit } from '../../src/chain/gas-limit.js';
import type { Lease } from '../../src/chain/nonce-manager.js';
import type { RpcNamespace } from '../../src/chain/rpc-namespace.js';
import { backOff, type SendRequest, type SendResult, sendUnderLease } from '../../src/chain/send-transaction.js';
import { rawForNamespace, signEthTx, txTypeForFee } from '../../src/chain/signing/eth-tx.js';
import type { SignedTx } from '../../src/chain/signing/sign-transfer.js';
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
  /** e.g. eth_getTransactionReceipt, for the test cases that count a call once mined. */
  receiptMethod: string;
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
  return {
    rpc: ctx.rpc,
    ...parts,
    label: { type: method, name },
    namespace: tx.settings.rpcNamespace,
    gasLimit,
    receiptMethod: tx.method('getTransactionReceipt'),
  };
}

/** Leases an account, sends `data(from)` (and `value` wei) to the contract, and backs off after an overloaded node. null: stopped while waiting for an account. */
export async function sendContractCall(user: User, setup: ContractCallSetup, data: (from: TestAccount) => string, value = 0n): Promise<SendResult | null> {
  const lease = await setup.accounts.nonces.lease(user.signal);
  if (lease === null) return null;
  const result = await sendUnderLease(callRequest(user, setup, lease, data(lease.account), value));
  if (!result.accepted && result.reason === 'overloaded') await backOff(user.signal);
  return result;
}

type CallRequest = Pick<SendRequest<TestAccount>, 'user' | 'rpc' | 'label' | 'method' | 'lease' | 'fees' | 'tracker' | 'sign'>;

/** The send path's request for `data` (and `value` wei) to the contract from the leased account. */
function callRequest(user: User, setup: ContractCallSetup, lease: Lease<TestAccount>, data: string, value = 0n): CallRequest {
  return {
    user,
    rpc: setup.rpc,
    label: setup.label,
    method: setup.label.type,
    lease,
    fees: setup.chain.fees,
    tracker: setup.accounts.tracker,
    sign: callSigner(setup, lease.account, data, value),
  };
}

/**
 * Sends `data` to the contract from the leased account and counts it only once mined (see
 * confirmed-send.ts), with `extra`'s check, timeout and settlement hook; backs off after an
 * overloaded node.
 */
export async function sendConfirmedCall(
  user: User,
  setup: ContractCallSetup,
  lease: Lease<TestAccount>,
  data: string,
  extra: Pick<ConfirmedSendRequest<TestAccount>, 'check' | 'timeoutMs' | 'onSettled'> = {},
): Promise<SendResult> {
  const sent = await sendConfirmed({ ...extra, ...callRequest(user, setup, lease, data), receiptMethod: setup.receiptMethod });
  if (!sent.accepted && sent.reason === 'overloaded') await backOff(user.signal);
  return sent;
}

export interface FixedCallSpec {
  name: string;
  aliases: readonly string[];
  description: string;
  contract: ArtifactName;
  /** The calldata of every call (its gas limit is estimated on it). */
  data: string;
}

/** A test case that sends the same call to its contract from random test accounts; success = accepted by the node. */
export function fixedCallTestCase(spec: FixedCallSpec): TestCase {
  return defineTestCase({
    name: spec.name,
    aliases: spec.aliases,
    description: spec.description,
    async setup(ctx) {
      const setup = await prepareContractCalls(ctx, spec.name, spec.contract, (contract, from) => ({ from: from.address, to: contract, data: spec.data }));
      return {
        async run(user) {
          await sendContractCall(user, setup, () => spec.data);
        },
      };
    },
  });
}

/** Signs `data` (and `value` wei) to the contract from `from` at a nonce, with the fee current then, in the namespace's encoding. */
export function callSigner(setup: ContractCallSetup, from: TestAccount, data: string, value = 0n): (nonce: number) => SignedTx {
  const { chain } = setup;
  return (nonce) => {
    const fee = chain.fees.current();
    const signed = signEthTx(from.signer, {
      type: txTypeForFee(fee),
      chainId: chain.chainId,
      nonce,
      to: setup.contract,
      data,
      value,
      gasLimit: setup.gasLimit,
      fee,
    });
    return rawForNamespace(signed, setup.namespace);
  };
}

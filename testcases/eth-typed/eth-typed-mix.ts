/**
 * The Ethereum typed-transaction test cases (ethLegacy, ethAccessList, ethDynamicFee). Each
 * iteration sends, with equal chance, a value transfer of 0-2 wei to another test account, a
 * deployment of General, or a call of General.reward(sender) with 0-2 wei, as a transaction
 * of the test case's type, and counts once it is mined (see confirmed-send.ts): status 1, the
 * receipt of that type, a deployment at the address its sender and nonce give, a call to
 * General, a transfer to its recipient. Recorded under type = the send method, name = the
 * test case; the time runs from the send to the receipt.
 */
import { Interface } from 'ethers/abi';
import { getCreateAddress } from 'ethers/address';
import type { AccessList } from 'ethers/transaction';

import { defineTestCase, type TestCase } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import { sendConfirmed } from '../../src/chain/confirmed-send.js';
import { isHexQuantity, toHexQuantity } from '../../src/chain/encoding/hex.js';
import { type CallArgs, estimateGasLimit, randomAddress } from '../../src/chain/gas-limit.js';
import type { Receipt } from '../../src/chain/receipt-wait.js';
import { backOff } from '../../src/chain/send-transaction.js';
import { accessListGas, type EthTxType, rawForNamespace, signEthTx } from '../../src/chain/signing/eth-tx.js';
import { TRANSFER_GAS } from '../../src/chain/signing/sign-transfer.js';
import type { User } from '../../src/runner/task.js';
import { errorMessage } from '../../src/util/errors.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { deployedContract } from '../reads/read-context.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { type AccessListSource, chooseAccessListSource } from './access-list-source.js';

export interface EthTypedSpec {
  name: string;
  aliases: readonly string[];
  description: string;
  type: EthTxType;
}

export type MixKind = 'transfer' | 'deploy' | 'call';
const KINDS: readonly MixKind[] = ['transfer', 'deploy', 'call'];

const GENERAL = loadArtifact('General');
const GENERAL_ABI = new Interface(GENERAL.abi);
/** Values attached to transfers and reward calls: 0, 1 or 2 wei, like the reference workload. */
const MAX_VALUE = 3;
/** Kaia receipts read through kaia_/klay_ give the type as a name and this number (0x7800 + Ethereum type). */
const KAIA_ETH_TYPE_BASE = 0x7800;

/** What a mined transaction of the mix must show besides status 1. */
export interface MixExpectation {
  readonly type: EthTxType;
  readonly kind: MixKind;
  /** transfer: the recipient; call: General. */
  readonly to: string | null;
  /** deploy: the address sender and nonce give. */
  readonly created: string | null;
}

/** The receipt fields the mix checks, as nodes spell them. */
interface MixReceipt extends Receipt {
  readonly type?: unknown;
  readonly typeInt?: unknown;
  readonly to?: unknown;
  readonly contractAddress?: unknown;
}

/** Why a status-1 receipt does not match what was sent, or undefined. Pure. */
export function checkMixReceipt(receipt: Receipt, expected: MixExpectation): string | undefined {
  const r = receipt as MixReceipt;
  if (isHexQuantity(r.type)) {
    if (BigInt(r.type) !== BigInt(expected.type)) return `receipt type ${r.type}, expected ${toHexQuantity(expected.type)}`;
  } else if (typeof r.typeInt === 'number') {
    const want = expected.type === 0 ? 0 : KAIA_ETH_TYPE_BASE + expected.type;
    if (r.typeInt !== want) return `receipt typeInt ${r.typeInt}, expected ${want}`;
  }
  if (expected.kind === 'deploy') {
    if (typeof r.contractAddress !== 'string') return 'deployment receipt without a contractAddress';
    if (r.contractAddress.toLowerCase() !== expected.created?.toLowerCase()) return 'contract created at another address than sender and nonce give';
    return undefined;
  }
  if (typeof r.to !== 'string' || r.to.toLowerCase() !== expected.to?.toLowerCase()) {
    return expected.kind === 'call' ? 'receipt "to" is not General' : 'receipt "to" is not the recipient';
  }
  return undefined;
}

interface MixRequest {
  readonly kind: MixKind;
  readonly args: CallArgs;
  /** Gas limit before the access list's share. */
  readonly baseGas: bigint;
}

/** What the requests are made of, fixed at setup. */
interface MixParts {
  readonly accounts: readonly TestAccount[];
  readonly general: string;
  /** reward(sender) calldata per sender address. */
  readonly rewardData: ReadonlyMap<string, string>;
  readonly deployGas: bigint;
  readonly callGas: bigint;
}

/** One request of the mix from `from`: each kind with equal chance. */
function pickMixRequest(from: TestAccount, parts: MixParts): MixRequest {
  const kind = KINDS[Math.floor(Math.random() * KINDS.length)]!;
  const value = BigInt(Math.floor(Math.random() * MAX_VALUE));
  switch (kind) {
    case 'transfer':
      return { kind, args: { from: from.address, to: pickRecipient(parts.accounts, from.index).address, data: '0x', value }, baseGas: TRANSFER_GAS };
    case 'deploy':
      return { kind, args: { from: from.address, data: GENERAL.bytecode, value: 0n }, baseGas: parts.deployGas };
    case 'call':
      return { kind, args: { from: from.address, to: parts.general, data: parts.rewardData.get(from.address)!, value }, baseGas: parts.callGas };
  }
}

export function createEthTypedTestCase(spec: EthTypedSpec): TestCase {
  const { name, type } = spec;
  return defineTestCase({
    name,
    aliases: spec.aliases,
    description: spec.description,
    async setup(ctx) {
      const tx = ctx.tx;
      const chain = await tx.chain();
      if (type === 2 && chain.baseFee === null) throw new Error(`${name}: the node reports no base fee, so it takes no type-2 (EIP-1559) transactions`);
      // Funding spends from the rich key too: it must be over before the deployment below.
      const accounts = await tx.accounts();
      const general = await deployedContract(ctx, name, 'General');
      const probeFrom = accounts.list[0]!.address;
      // The costliest call: a receiver never rewarded before, and value added to the total.
      const freshReceiver = randomAddress();
      const callGas = await estimateGasLimit(
        ctx.rpc,
        { from: probeFrom, to: general, data: GENERAL_ABI.encodeFunctionData('reward', [freshReceiver]), value: 2n },
        `${name}: General.reward`,
      );
      const deployGas = await estimateGasLimit(ctx.rpc, { from: probeFrom, data: GENERAL.bytecode }, `${name}: deploying General`);
      const accessLists: AccessListSource | null =
        type === 1
          ? await chooseAccessListSource(ctx.rpc, { from: probeFrom, to: general, data: GENERAL_ABI.encodeFunctionData('reward', [probeFrom]) }, ctx.log)
          : null;
      const mix: MixParts = {
        accounts: accounts.list,
        general,
        rewardData: new Map(accounts.list.map((a) => [a.address, GENERAL_ABI.encodeFunctionData('reward', [a.address])])),
        deployGas,
        callGas,
      };
      const label = { type: tx.method('sendRawTransaction'), name };
      const namespace = tx.settings.rpcNamespace;
      const receiptMethod = tx.method('getTransactionReceipt');

      return {
        async run(user: User) {
          const lease = await accounts.nonces.lease(user.signal);
          if (lease === null) return;
          const from = lease.account;
          const request = pickMixRequest(from, mix);
          let accessList: AccessList = [];
          if (accessLists !== null) {
            const started = performance.now();
            try {
              // The list of a transfer or deployment does not depend on its recipient or nonce.
              accessList = await accessLists.get(`${request.kind}:${from.address}`, request.args);
            } catch (err) {
              lease.release('unused');
              user.recorder.failure(label.type, label.name, performance.now() - started, `building the access list: ${errorMessage(err)}`);
              return;
            }
          }
          const { args } = request;
          let created: string | null = null;
          const sent = await sendConfirmed({
            user,
            rpc: ctx.rpc,
            label,
            method: label.type,
            lease,
            fees: chain.fees,
            tracker: accounts.tracker,
            receiptMethod,
            sign: (nonce) => {
              if (request.kind === 'deploy') created = getCreateAddress({ from: from.address, nonce });
              const signed = signEthTx(from.signer, {
                type,
                chainId: chain.chainId,
                nonce,
                to: args.to ?? null,
                data: args.data,
                value: args.value ?? 0n,
                gasLimit: request.baseGas + accessListGas(accessList),
                fee: chain.fees.current(),
                accessList,
              });
              return rawForNamespace(signed, namespace);
            },
            check: (receipt) => checkMixReceipt(receipt, { type, kind: request.kind, to: args.to ?? null, created }),
          });
          if (!sent.accepted && sent.reason === 'overloaded') await backOff(user.signal);
        },
      };
    },
  });
}

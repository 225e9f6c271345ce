/**
 * Contract deployment for test-case setup: sign with one key, send through our JsonRpcClient,
 * wait for the receipt. Setup is not the measured path, so this favours plain correctness:
 * one transaction at a time per key, each confirmed (status 1) before the next starts, the
 * nonce read from the node ('pending') each time. The key must not be sending elsewhere
 * meanwhile, or the nonces collide.
 *
 * Transactions are legacy (type 0, EIP-155): the one encoding every EVM node accepts, and
 * Kaia nodes accept it through eth_, kaia_ and klay_sendRawTransaction alike (typed
 * Ethereum transactions need eth_ there).
 */
import { getAddress } from 'ethers/address';
import type { SigningKey } from 'ethers/crypto';
import { computeAddress } from 'ethers/transaction';
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { errorMessage } from '../util/errors.js';
import { isHexQuantity, toHexQuantity } from './encoding/hex.js';
import { type Receipt, waitForReceipt } from './receipt-wait.js';
import { DEFAULT_RPC_NAMESPACE, type RpcNamespace } from './rpc-namespace.js';
import { signEthTx } from './signing/eth-tx.js';

/** A compiled contract, as test cases keep theirs (testcases/contracts/artifacts.ts). */
export interface DeployableContract {
  /** Its name: one deployment per name and deployer. */
  readonly contractName: string;
  /** 0x-prefixed creation bytecode, constructor arguments included. */
  readonly bytecode: string;
}

/** What a test case needs to get a contract onto the chain. */
export interface ContractDeployer {
  /** The address of the deployed contract, deploying it on the first request for its name only. */
  deployContract(contract: DeployableContract): Promise<string>;
}

export interface TransactionRequest {
  /** null deploys `data` as creation code. */
  to: string | null;
  data: string;
  value?: bigint;
  /** Default: the node's estimate plus 20 %. */
  gasLimit?: bigint;
}

export interface TxLog {
  address: string;
  topics: readonly string[];
  data: string;
}

export interface TxReceipt {
  transactionHash: string;
  blockNumber: bigint;
  gasUsed: bigint;
  /** Set for deployments. */
  contractAddress: string | null;
  logs: readonly TxLog[];
}

export interface TransactionSender {
  readonly address: string;
  /** Resolves once the transaction is mined with status 1; rejects with one line otherwise. */
  send(request: TransactionRequest): Promise<TxReceipt>;
}

export interface TransactionSenderOptions {
  rpc: JsonRpcClient;
  /** The signing key: the sender never handles key text. */
  signer: SigningKey;
  namespace?: RpcNamespace;
  /** How long to wait for each receipt (default 60 000 ms). */
  receiptTimeoutMs?: number;
  /** Pause between receipt polls (default 200 ms). */
  pollMs?: number;
}

/** Extra gas over the node's estimate, in percent: estimates can be tight when state moves. */
const GAS_MARGIN_PERCENT = 20n;

export function createTransactionSender(options: TransactionSenderOptions): TransactionSender {
  const { rpc, signer, namespace: ns = DEFAULT_RPC_NAMESPACE, receiptTimeoutMs = 60_000, pollMs = 200 } = options;
  const address = computeAddress(signer);
  let chainId: Promise<bigint> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function call(method: string, params: readonly unknown[]): Promise<unknown> {
    try {
      return (await rpc.call(`${ns}_${method}`, params)).result;
    } catch (err) {
      throw new Error(`${ns}_${method} failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  async function quantity(method: string, params: readonly unknown[]): Promise<bigint> {
    const result = await call(method, params);
    if (!isHexQuantity(result)) throw new Error(`${ns}_${method} returned ${JSON.stringify(result)}, not a hex quantity`);
    return BigInt(result);
  }

  /** Read once; a failure is not cached, so the next send asks again. */
  function readChainId(): Promise<bigint> {
    chainId ??= quantity('chainId', []).catch((err: unknown) => {
      chainId = undefined;
      throw err;
    });
    return chainId;
  }

  /** The node's price, raised to twice the latest base fee so that a rising base fee cannot strand the transaction. */
  async function gasPrice(): Promise<bigint> {
    const [suggested, block] = await Promise.all([quantity('gasPrice', []), call('getBlockByNumber', ['latest', false])]);
    const baseFee = (block as { baseFeePerGas?: unknown } | null)?.baseFeePerGas;
    const floor = isHexQuantity(baseFee) ? 2n * BigInt(baseFee) : 0n;
    return suggested > floor ? suggested : floor;
  }

  async function sendNow(request: TransactionRequest): Promise<TxReceipt> {
    const { to, data, value = 0n } = request;
    const estimateArgs = { from: address, ...(to === null ? {} : { to }), data, value: toHexQuantity(value) };
    const [id, nonce, price, gasLimit] = await Promise.all([
      readChainId(),
      quantity('getTransactionCount', [address, 'pending']),
      gasPrice(),
      request.gasLimit ?? quantity('estimateGas', [estimateArgs]).then((g) => g + (g * GAS_MARGIN_PERCENT + 99n) / 100n),
    ]);
    // Legacy (type 0): every chain takes it, Kaia included, and the price covers a rising base fee.
    const { raw } = signEthTx(signer, { type: 0, chainId: id, nonce: Number(nonce), fee: { type: 'legacy', gasPrice: price }, gasLimit, to, data, value });
    const hash = await call('sendRawTransaction', [raw]);
    if (typeof hash !== 'string') throw new Error(`${ns}_sendRawTransaction returned ${JSON.stringify(hash)}, not a hash`);
    return mined(hash);
  }

  async function mined(hash: string): Promise<TxReceipt> {
    const method = `${ns}_getTransactionReceipt`;
    const waited = await waitForReceipt(rpc, method, hash, { deadline: performance.now() + receiptTimeoutMs, pollMs });
    if (waited.kind !== 'receipt') {
      const last = waited.kind === 'timeout' && waited.lastError !== null ? `; last error: ${waited.lastError}` : '';
      throw new Error(`transaction ${hash} was not mined within ${receiptTimeoutMs} ms${last}`);
    }
    return parseReceipt(waited.receipt, hash);
  }

  return {
    address,
    send(request) {
      // One at a time: each send reads the 'pending' nonce, which must include the previous one.
      const sent = queue.then(() => sendNow(request));
      queue = sent.catch(() => undefined);
      return sent;
    },
  };
}

function parseReceipt(receipt: Receipt, hash: string): TxReceipt {
  const r = receipt as Receipt & { contractAddress?: unknown; logs?: unknown };
  if (!isHexQuantity(r.gasUsed) || !isHexQuantity(r.blockNumber)) throw new Error(`transaction ${hash}: unreadable receipt`);
  const gasUsed = BigInt(r.gasUsed);
  if (r.status !== '0x1') throw new Error(`transaction ${hash} failed with status ${String(r.status)} (gas used ${gasUsed})`);
  return {
    transactionHash: hash,
    blockNumber: BigInt(r.blockNumber),
    gasUsed,
    contractAddress: typeof r.contractAddress === 'string' ? getAddress(r.contractAddress) : null,
    logs: Array.isArray(r.logs) ? (r.logs as TxLog[]) : [],
  };
}

export interface ContractDeployerOptions {
  sender: TransactionSender;
  log?: Logger;
}

/** Deploys each artifact at most once per deployer (a failed deployment may be retried). */
export function createContractDeployer(options: ContractDeployerOptions): ContractDeployer {
  const { sender, log } = options;
  const deployed = new Map<string, Promise<string>>();
  return {
    deployContract(contract) {
      const name = contract.contractName;
      let address = deployed.get(name);
      if (address === undefined) {
        address = deploy(sender, contract, log);
        deployed.set(name, address);
        address.catch(() => deployed.delete(name));
      }
      return address;
    },
  };
}

async function deploy(sender: TransactionSender, { contractName: name, bytecode }: DeployableContract, log: Logger | undefined): Promise<string> {
  let receipt: TxReceipt;
  try {
    receipt = await sender.send({ to: null, data: bytecode });
  } catch (err) {
    throw new Error(`deploying ${name} from ${sender.address} failed: ${errorMessage(err)}`, { cause: err });
  }
  if (receipt.contractAddress === null) throw new Error(`deploying ${name}: the receipt of ${receipt.transactionHash} has no contract address`);
  log?.info({ contract: name, address: receipt.contractAddress, gasUsed: Number(receipt.gasUsed) }, 'contract deployed');
  return receipt.contractAddress;
}

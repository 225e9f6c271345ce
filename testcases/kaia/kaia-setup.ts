/**
 * What every Kaia-native test case prepares: the namespace it sends with, proof that the node
 * speaks Kaia (asked before anything is funded), the funded test accounts, and the gas price.
 */
import type { TestCaseContext } from '../../src/api/test-case.js';
import { FeeOracle, KAIA_MAX_RISE } from '../../src/chain/chain-context.js';
import { type KaiaRpcNamespace, probeKaiaNode } from '../../src/chain/kaia/node-probe.js';
import { parseQuantity } from '../../src/chain/quantity.js';
import type { RpcNamespace } from '../../src/chain/rpc-namespace.js';
import { type FundedAccounts, type TxSettings } from '../../src/chain/tx-session.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { CallLabel } from '../../src/runner/timed-call.js';

export interface KaiaSetup {
  readonly rpc: JsonRpcClient;
  /** From `<namespace>_chainID`. */
  readonly chainId: bigint;
  readonly namespace: KaiaRpcNamespace;
  /** `<namespace>_sendRawTransaction`: Kaia's eth_ would wrap these bytes in its 0x78 envelope. */
  readonly sendMethod: string;
  /** type = the send method, name = the test case. */
  readonly label: CallLabel;
  readonly accounts: FundedAccounts;
  /**
   * Legacy quotes: Kaia's own types carry one `gasPrice` (paid in full since the Kaia fork).
   * The first is `<namespace>_gasPrice`; the background refresh reads eth_gasPrice, which a
   * Kaia node answers from the same function (api/api_eth.go delegates to KaiaAPI.GasPrice).
   */
  readonly fees: FeeOracle;
  readonly settings: TxSettings;
}

export interface PrepareOptions {
  /**
   * Asks the node for what else the test case needs (a feature, a module), once it is known
   * to speak Kaia and before anything is funded: a throw refuses the test case at no cost.
   */
  beforeFunding?: (node: { namespace: KaiaRpcNamespace; chainId: bigint }) => Promise<void>;
}

/**
 * The namespace Kaia's own types are sent with: `--rpc-namespace eth` (the default) means
 * kaia_, because eth_sendRawTransaction on a Kaia node takes Ethereum types only.
 */
export function kaiaNamespaceOf(namespace: RpcNamespace): KaiaRpcNamespace {
  return namespace === 'klay' ? 'klay' : 'kaia';
}

/**
 * Prepares a Kaia test case. Order matters: the chain is waited for (a node still starting
 * gets the connect timeout), then the node must answer `<namespace>_chainID`, and only then
 * are the test accounts funded — so pointing these test cases at an Ethereum node spends nothing.
 */
export async function prepareKaia(ctx: TestCaseContext, name: string, options: PrepareOptions = {}): Promise<KaiaSetup> {
  const tx = ctx.tx;
  const namespace = kaiaNamespaceOf(tx.settings.rpcNamespace);
  const chain = await tx.chain();
  const chainId = await probeKaiaNode(ctx.rpc, namespace);
  if (chainId !== chain.chainId) {
    // Funding signs with eth_chainId's id and the test case with this one: they must agree.
    throw new Error(`${name}: the node reports chain id ${chain.chainId} on eth_chainId but ${chainId} on ${namespace}_chainID`);
  }
  await options.beforeFunding?.({ namespace, chainId });
  const accounts = await tx.accounts();
  const gasPrice = parseQuantity((await ctx.rpc.call(`${namespace}_gasPrice`, [])).result, `${namespace}_gasPrice result`);
  ctx.log.info({ testCase: name, namespace, chainId: chainId.toString(), gasPrice: gasPrice.toString() }, 'Kaia node ready');
  const sendMethod = `${namespace}_sendRawTransaction`;
  const fees = new FeeOracle(ctx.rpc, 'legacy', { type: 'legacy', gasPrice }, ctx.log, KAIA_MAX_RISE);
  accounts.tracker.onBlock((block) => fees.observeBaseFee(block.baseFee));
  return {
    rpc: ctx.rpc,
    chainId,
    namespace,
    sendMethod,
    label: { type: sendMethod, name },
    accounts,
    fees,
    settings: tx.settings,
  };
}

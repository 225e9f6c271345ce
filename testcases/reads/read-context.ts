/** What the read test cases share: their settings and a deployed contract for setup. */
import type { TestCaseContext } from '../../src/api/test-case.js';
import { ChainHead } from '../../src/chain/chain-head.js';
import { type KaiaRpcNamespace, probeKaiaNode } from '../../src/chain/kaia/node-probe.js';
import type { CallLabel } from '../../src/runner/timed-call.js';
import { errorMessage } from '../../src/util/errors.js';
import { type ArtifactName, loadArtifact } from '../contracts/artifacts.js';
import { kaiaNamespaceOf } from '../kaia/kaia-setup.js';

export interface ReadConfig {
  /** getBlockByNumber: the shared chain head is re-read once it is older than this (ms). */
  headRefreshMs: number;
  /** getBalance: each call reads one of these, picked at random. */
  addresses: readonly string[];
}

/** The address of a deployed `contract` for `testCase`'s setup; one clear line if that is impossible. */
export async function deployedContract(ctx: TestCaseContext, testCase: string, contract: ArtifactName): Promise<string> {
  try {
    return await ctx.contracts.deployContract(loadArtifact(contract));
  } catch (err) {
    throw new Error(`${testCase}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The shared chain head for `testCase`, read with `method` (e.g. eth_blockNumber); one clear line if the node cannot say. */
export async function openChainHead(ctx: TestCaseContext, testCase: string, method: string, config: ReadConfig): Promise<ChainHead> {
  try {
    return await ChainHead.open({ rpc: ctx.rpc, method, refreshMs: config.headRefreshMs, log: ctx.log });
  } catch (err) {
    throw new Error(`${testCase}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * A Kaia-only read's method and label: `<kaia|klay>_<name>` (klay with --rpc-namespace klay),
 * once the node has answered `<namespace>_chainID` (a node that is not Kaia is refused here).
 */
export async function kaiaRead(
  ctx: TestCaseContext,
  testCase: string,
  name: string,
): Promise<{ namespace: KaiaRpcNamespace; method: string; label: CallLabel }> {
  const namespace = kaiaNamespaceOf(ctx.namespace);
  await probeKaiaNode(ctx.rpc, namespace);
  const method = `${namespace}_${name}`;
  return { namespace, method, label: { type: method, name: testCase } };
}

/** What the read test cases take from the run: the RPC namespace and a contract deployer. */
import type { TestCaseContext } from '../../src/api/test-case.js';
import { isRpcNamespace, type RpcNamespace } from '../../src/chain/rpc-namespace.js';
import { errorMessage } from '../../src/util/errors.js';
import { type ArtifactName, loadArtifact } from '../contracts/artifacts.js';

export interface ReadConfig {
  /** The namespace when the context names none. Default 'eth'. */
  namespace: RpcNamespace;
  /** getBlockByNumber: the shared chain head is re-read once it is older than this (ms). */
  headRefreshMs: number;
  /** getBalance: each call reads one of these, picked at random. */
  addresses: readonly string[];
}

export function namespaceOf(ctx: TestCaseContext, config: ReadConfig): RpcNamespace {
  const { namespace } = ctx;
  if (namespace === undefined) return config.namespace;
  if (!isRpcNamespace(namespace)) throw new Error(`unknown RPC namespace ${JSON.stringify(namespace)}; expected eth, kaia or klay`);
  return namespace;
}

/** The address of a deployed `contract` for `testCase`'s setup; one clear line if that is impossible. */
export async function deployedContract(ctx: TestCaseContext, testCase: string, contract: ArtifactName): Promise<string> {
  const { contracts } = ctx;
  if (contracts === undefined) {
    throw new Error(`${testCase} needs a deployed ${contract} contract, but this run has no contract deployer (funded accounts)`);
  }
  try {
    return await contracts.deployContract(loadArtifact(contract));
  } catch (err) {
    throw new Error(`${testCase}: ${errorMessage(err)}`, { cause: err });
  }
}

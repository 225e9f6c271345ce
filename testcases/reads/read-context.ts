/** What the read test cases share: their settings and a deployed contract for setup. */
import type { TestCaseContext } from '../../src/api/test-case.js';
import { ChainHead } from '../../src/chain/chain-head.js';
import { errorMessage } from '../../src/util/errors.js';
import { type ArtifactName, loadArtifact } from '../contracts/artifacts.js';

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

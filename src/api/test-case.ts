/** The seam between the worker and the built-in test cases. */
import type { Logger } from 'pino';

import type { ContractDeployer } from '../chain/deploy.js';
import type { RpcNamespace } from '../chain/rpc-namespace.js';
import type { TxSession } from '../chain/tx-session.js';
import type { JsonRpcClient } from '../rpc/json-rpc.js';
import type { User } from '../runner/task.js';

/**
 * What a test case may use while it prepares. Later test cases need more (accounts, chain
 * id, fees): this interface grows with optional members rather than changing shape.
 */
export interface TestCaseContext {
  rpc: JsonRpcClient;
  endpoint: string;
  log: Logger;
  /** --rpc-namespace: the namespace of the measured calls (setup calls use eth_*). */
  namespace?: RpcNamespace;
  /**
   * Chain context, funded test accounts and their nonce manager, shared by every test case
   * of the process and prepared on first use (see tx-session.ts). The worker always sets it;
   * a unit test of a read-only test case may leave it out.
   */
  tx?: TxSession;
  /** Deploys the built-in contracts once per process (paid by the rich key). */
  contracts?: ContractDeployer;
}

/** A test case ready to run: one iteration per `run`, cleaned up once by `teardown`. */
export interface PreparedTestCase {
  run(user: User): Promise<void>;
  teardown?(): Promise<void>;
}

export interface TestCase {
  /** The name given to --tc; also the task name. */
  name: string;
  /** Other names accepted by --tc, e.g. the Go load tester's. */
  aliases: readonly string[];
  /** One line for --help. */
  description: string;
  /**
   * Set when the test case cannot share a run with others: why, in words that complete
   * "<name> must run alone, not with <others>: ..." (checked when --tc is parsed).
   */
  runsAlone?: string;
  setup(ctx: TestCaseContext): Promise<PreparedTestCase>;
}

export interface WeightedTestCase {
  testCase: TestCase;
  /** Relative share of users (integer >= 1). */
  weight: number;
}

/** Why this selection cannot run together (a test case that must run alone has company), or undefined. */
export function runAloneProblem(selected: readonly TestCase[]): string | undefined {
  if (selected.length < 2) return undefined;
  const loner = selected.find((t) => t.runsAlone !== undefined);
  if (loner === undefined) return undefined;
  const others = selected.filter((t) => t !== loner).map((t) => t.name);
  return `--tc: ${loner.name} must run alone, not with ${others.join(', ')}: ${loner.runsAlone}`;
}

/** The seam between the worker and the built-in test cases. */
import type { Logger } from 'pino';

import type { ContractDeployer } from '../chain/deploy.js';
import type { RpcNamespace } from '../chain/rpc-namespace.js';
import type { TxSession } from '../chain/tx-session.js';
import type { JsonRpcClient } from '../rpc/json-rpc.js';
import type { User } from '../runner/task.js';

/**
 * What a test case may use while it prepares. Every member is always there: a test case that
 * does not need one ignores it, and the parts that cost something (the chain context, funding
 * the accounts, deploying contracts) start only when a test case first asks for them.
 */
export interface TestCaseContext {
  rpc: JsonRpcClient;
  endpoint: string;
  log: Logger;
  /** --rpc-namespace: the namespace of the measured calls (setup calls use eth_*). */
  namespace: RpcNamespace;
  /** Chain context, funded test accounts and their nonce manager, shared by every test case of the process. */
  tx: TxSession;
  /** Deploys the built-in contracts once per process (paid by the rich key; without one it says how to give it). */
  contracts: ContractDeployer;
}

/** A test case ready to run: one iteration per `run`, cleaned up once by `teardown`. */
export interface PreparedTestCase {
  /** What it resolves to is not used (a read test case may hand on timedCall's outcome as it is). */
  run(user: User): Promise<unknown>;
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

/** A test case as you write it: aliases and description may be left out. */
export interface TestCaseDefinition {
  name: string;
  aliases?: readonly string[];
  description?: string;
  runsAlone?: string;
  setup: TestCase['setup'];
}

/**
 * The one way to make a test case, built-in or your own: checks the definition and fills in
 * the optional parts; throws on a definition that cannot work.
 */
export function defineTestCase(definition: TestCaseDefinition): TestCase {
  const { name, aliases = [], description = '', runsAlone, setup } = definition;
  if (typeof name !== 'string' || !/^[A-Za-z][\w.-]*$/.test(name)) {
    throw new TypeError(`a test case name must start with a letter and hold only letters, digits, _ . -, got ${JSON.stringify(name)}`);
  }
  if (typeof setup !== 'function') throw new TypeError(`test case ${name}: setup must be a function`);
  return runsAlone === undefined ? { name, aliases: [...aliases], description, setup } : { name, aliases: [...aliases], description, runsAlone, setup };
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

/** The seam between the worker and the built-in test cases. */
import type { Logger } from 'pino';
import type { JsonRpcClient } from '../src/rpc/json-rpc.js';
import type { User } from '../src/runner/task.js';

/**
 * What a test case may use while it prepares. Later test cases need more (accounts, chain
 * id, fees): this interface grows with optional members rather than changing shape.
 */
export interface TestCaseContext {
  rpc: JsonRpcClient;
  endpoint: string;
  log: Logger;
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
  setup(ctx: TestCaseContext): Promise<PreparedTestCase>;
}

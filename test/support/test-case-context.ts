/**
 * A test case's context as the worker builds it (src/app/test-case-context.ts), with test
 * defaults: a real, lazy transaction session (nothing happens until a test case asks for
 * accounts) and, unless given, no rich key.
 */
import pino from 'pino';

import type { TestCaseContext } from '../../src/api/test-case.js';
import { createTestCaseContext } from '../../src/app/test-case-context.js';
import type { ContractDeployer } from '../../src/chain/deploy.js';
import { InclusionTracker } from '../../src/chain/inclusion/inclusion-tracker.js';
import type { PrivateKey } from '../../src/chain/keys.js';
import type { RpcNamespace } from '../../src/chain/rpc-namespace.js';
import type { TxSettings } from '../../src/chain/tx-session.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';

const silent = pino({ level: 'silent' });

export const TEST_TX_SETTINGS: Readonly<TxSettings> = Object.freeze({
  txType: 'auto',
  rpcNamespace: 'eth',
  accounts: 4,
  accountSeed: 'test-case-context',
  chargeWei: 10n ** 18n,
  receiptTimeoutMs: 5_000,
  maxPending: 16,
});

export interface TestContextOptions {
  rpc: JsonRpcClient;
  endpoint: string;
  namespace?: RpcNamespace;
  /** Replaces the rich key's deployer (a fake node cannot mine a deployment). */
  contracts?: ContractDeployer;
  settings?: Partial<TxSettings>;
  richKey?: PrivateKey | null;
  tracker?: InclusionTracker;
}

export function testCaseContext(options: TestContextOptions): TestCaseContext {
  const { rpc, endpoint, namespace, contracts, richKey = null } = options;
  const settings: TxSettings = { ...TEST_TX_SETTINGS, ...options.settings, ...(namespace === undefined ? {} : { rpcNamespace: namespace }) };
  const tracker =
    options.tracker ??
    new InclusionTracker({
      rpc,
      namespace: 'eth',
      log: silent,
      recorder: { success: () => undefined, successes: () => undefined, failure: () => undefined },
      receiptTimeoutMs: settings.receiptTimeoutMs,
    });
  const ctx = createTestCaseContext({ rpc, endpoint, log: silent, settings, richKey, tracker, connectTimeoutMs: 5_000 });
  return contracts === undefined ? ctx : { ...ctx, contracts };
}

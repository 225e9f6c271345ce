/**
 * The context every test case of a process is set up with, put together once. Everything in it
 * is real and lazy: the chain context, the funding of the test accounts and the contract
 * deployments start only when a test case first asks for them, so a read-only run touches none.
 */
import type { Logger } from 'pino';

import type { TestCaseContext } from '../api/test-case.js';
import { type ContractDeployer, createContractDeployer, createTransactionSender } from '../chain/deploy.js';
import type { InclusionTracker } from '../chain/inclusion/inclusion-tracker.js';
import { KEY_ENV, type PrivateKey } from '../chain/keys.js';
import { createTxSession, type TxSettings } from '../chain/tx-session.js';
import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { KlayworkerError } from '../util/errors.js';

export interface TestCaseContextOptions {
  rpc: JsonRpcClient;
  endpoint: string;
  log: Logger;
  settings: TxSettings;
  /** null: no key was given; test cases that need accounts or contracts then fail with advice. */
  richKey: PrivateKey | null;
  /** The process's inclusion tracker: started once the accounts are funded. */
  tracker: InclusionTracker;
  /** How long the first chain read retries an unreachable node (--connect-timeout). */
  connectTimeoutMs: number;
}

export function createTestCaseContext(options: TestCaseContextOptions): TestCaseContext {
  const { rpc, endpoint, log, settings, richKey, tracker, connectTimeoutMs } = options;
  return {
    rpc,
    endpoint,
    log,
    namespace: settings.rpcNamespace,
    tx: createTxSession({ rpc, log, endpoint, connectTimeoutMs, settings, richKey, tracker }),
    contracts: contractDeployer(rpc, richKey, log),
  };
}

/** The rich key deploys; without one, a test case that needs a contract fails its setup saying how to give one. */
function contractDeployer(rpc: JsonRpcClient, richKey: PrivateKey | null, log: Logger): ContractDeployer {
  if (richKey === null) {
    const missing = new KlayworkerError(`deploying a contract needs a funded rich key: give --key-file PATH or ${KEY_ENV} (or --key)`);
    return { deployContract: () => Promise.reject(missing) };
  }
  const sender = createTransactionSender({ rpc, signer: richKey.signingKey() });
  return createContractDeployer({ sender, log });
}

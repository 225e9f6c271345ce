/** The read-only test cases, as one list for the registry. */
import type { TestCase } from '../../src/api/test-case.js';
import { DEFAULT_RPC_NAMESPACE } from '../../src/chain/rpc-namespace.js';
import { createCall } from './call.js';
import { createEstimateGas } from './estimate-gas.js';
import { createGasPrice } from './gas-price.js';
import { createGetBalance, DEV_ADDRESSES } from './get-balance.js';
import { createGetBlockByNumber } from './get-block-by-number.js';
import { createGetStorageAt } from './get-storage-at.js';
import type { ReadConfig } from './read-context.js';

export const DEFAULT_READ_CONFIG: Readonly<ReadConfig> = Object.freeze({
  namespace: DEFAULT_RPC_NAMESPACE,
  headRefreshMs: 2_000,
  addresses: DEV_ADDRESSES,
});

export function createReadTestCases(config: Partial<ReadConfig> = {}): TestCase[] {
  const full: ReadConfig = { ...DEFAULT_READ_CONFIG, ...config };
  return [createGetBlockByNumber(full), createGetBalance(full), createGasPrice(full), createCall(full), createEstimateGas(full), createGetStorageAt(full)];
}

export const readTestCases: TestCase[] = createReadTestCases();

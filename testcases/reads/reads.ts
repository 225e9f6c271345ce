/** The read-only test cases, as one list for the registry. */
import type { TestCase } from '../../src/api/test-case.js';
import { call } from './call.js';
import { estimateGas } from './estimate-gas.js';
import { gasPrice } from './gas-price.js';
import { kaiaGetAccount } from './get-account.js';
import { createGetBalance, DEV_ADDRESSES } from './get-balance.js';
import { createGetBlockByNumber } from './get-block-by-number.js';
import { createGetBlockWithConsensusInfo } from './get-block-with-consensus-info.js';
import { getStorageAt } from './get-storage-at.js';
import type { ReadConfig } from './read-context.js';

export const DEFAULT_READ_CONFIG: Readonly<ReadConfig> = Object.freeze({
  headRefreshMs: 2_000,
  addresses: DEV_ADDRESSES,
});

export function createReadTestCases(config: Partial<ReadConfig> = {}): TestCase[] {
  const full: ReadConfig = { ...DEFAULT_READ_CONFIG, ...config };
  return [createGetBlockByNumber(full), createGetBalance(full), gasPrice, call, estimateGas, getStorageAt];
}

/** The Kaia-only reads (kaia_/klay_ methods): each asks for kaia_chainID first. */
export function createKaiaReadTestCases(config: Partial<ReadConfig> = {}): TestCase[] {
  return [kaiaGetAccount, createGetBlockWithConsensusInfo({ ...DEFAULT_READ_CONFIG, ...config })];
}

export const readTestCases: TestCase[] = createReadTestCases();

export const kaiaReadTestCases: TestCase[] = createKaiaReadTestCases();

/**
 * The built-in test cases: the one list the CLI reads (src/cli/main.ts). A new test case is
 * one entry here (or in its family's list); nothing else in src/ names a test case.
 */
import type { TestCase } from '../src/api/test-case.js';
import { contractTestCases } from './contracts/contract-test-cases.js';
import { kaiaTestCases } from './kaia/test-cases.js';
import { analyticTestCases } from './reads/analytic.js';
import { blockNumber } from './reads/block-number.js';
import { kaiaReadTestCases, readTestCases } from './reads/reads.js';
import { nodeSignedTransfer } from './transfers/node-signed-transfer.js';
import { receiptCheck } from './transfers/receipt-check.js';
import { valueTransfer } from './transfers/value-transfer.js';
import { valueTransferWithCheck } from './transfers/value-transfer-with-check.js';

export const builtInTestCases: readonly TestCase[] = [
  blockNumber,
  ...readTestCases,
  valueTransfer,
  valueTransferWithCheck,
  receiptCheck,
  nodeSignedTransfer,
  ...contractTestCases,
  ...kaiaTestCases,
  ...analyticTestCases,
  ...kaiaReadTestCases,
];

/** The Kaia-native transaction test cases, sent with kaia_sendRawTransaction (klay_ with --rpc-namespace klay). */
import type { TestCase } from '../../src/api/test-case.js';
import { kaiaAccountCreation } from './account-creation.js';
import { kaiaAccountUpdate, kaiaFeeDelegatedAccountUpdate, kaiaFeeDelegatedAccountUpdateWithRatio } from './account-update.js';
import { kaiaAuctionBid, kaiaAuctionRevertedBid } from './auction.js';
import { kaiaCancel, kaiaFeeDelegatedCancel, kaiaFeeDelegatedCancelWithRatio } from './cancel.js';
import { kaiaGaslessOnlyApprove, kaiaGaslessRevertTransaction, kaiaGaslessTransaction } from './gasless.js';
import { kaiaFeeDelegatedSmartContractDeploy, kaiaFeeDelegatedSmartContractDeployWithRatio, kaiaSmartContractDeploy } from './smart-contract-deploy.js';
import {
  kaiaFeeDelegatedSmartContractExecution,
  kaiaFeeDelegatedSmartContractExecutionWithRatio,
  kaiaSmartContractExecution,
} from './smart-contract-execution.js';
import { kaiaFeeDelegatedValueTransfer, kaiaFeeDelegatedValueTransferWithRatio, kaiaValueTransfer } from './value-transfer.js';
import {
  kaiaFeeDelegatedValueTransferMemo,
  kaiaFeeDelegatedValueTransferMemoWithRatio,
  kaiaValueTransferLargeMemo,
  kaiaValueTransferMemo,
} from './value-transfer-memo.js';
import { kaiaValueTransferWithCancel } from './value-transfer-with-cancel.js';

export const kaiaTestCases: readonly TestCase[] = [
  kaiaValueTransfer,
  kaiaFeeDelegatedValueTransfer,
  kaiaFeeDelegatedValueTransferWithRatio,
  kaiaValueTransferMemo,
  kaiaValueTransferLargeMemo,
  kaiaFeeDelegatedValueTransferMemo,
  kaiaFeeDelegatedValueTransferMemoWithRatio,
  kaiaAccountCreation,
  kaiaSmartContractDeploy,
  kaiaFeeDelegatedSmartContractDeploy,
  kaiaFeeDelegatedSmartContractDeployWithRatio,
  kaiaSmartContractExecution,
  kaiaFeeDelegatedSmartContractExecution,
  kaiaFeeDelegatedSmartContractExecutionWithRatio,
  kaiaCancel,
  kaiaValueTransferWithCancel,
  kaiaFeeDelegatedCancel,
  kaiaFeeDelegatedCancelWithRatio,
  kaiaAccountUpdate,
  kaiaFeeDelegatedAccountUpdate,
  kaiaFeeDelegatedAccountUpdateWithRatio,
  kaiaGaslessTransaction,
  kaiaGaslessRevertTransaction,
  kaiaGaslessOnlyApprove,
  kaiaAuctionBid,
  kaiaAuctionRevertedBid,
];

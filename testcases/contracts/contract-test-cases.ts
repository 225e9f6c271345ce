/** The contract (BlockBench's among them) and Ethereum typed-transaction test cases, as one list for the registry. */
import type { TestCase } from '../../src/api/test-case.js';
import { ethAccessList } from '../eth-typed/eth-access-list.js';
import { ethDynamicFee } from '../eth-typed/eth-dynamic-fee.js';
import { ethLegacy } from '../eth-typed/eth-legacy.js';
import { cpuHeavy } from './cpu-heavy.js';
import { doNothing } from './do-nothing.js';
import { erc20Transfer } from './erc20-transfer.js';
import { erc721Transfer } from './erc721-transfer.js';
import { internalTx } from './internal-tx.js';
import { ioHeavyTestCases } from './io-heavy.js';
import { largeMemo } from './large-memo.js';
import { mintNft } from './mint-nft.js';
import { smallBankTestCases } from './small-bank.js';
import { storageWrite } from './storage-write.js';
import { userStorage } from './user-storage.js';
import { userStorageSetGet } from './user-storage-set-get.js';
import { ycsbTestCases } from './ycsb.js';

export const contractTestCases: readonly TestCase[] = [
  ethLegacy,
  ethAccessList,
  ethDynamicFee,
  erc20Transfer,
  erc721Transfer,
  storageWrite,
  cpuHeavy,
  largeMemo,
  userStorage,
  userStorageSetGet,
  doNothing,
  internalTx,
  mintNft,
  ...ioHeavyTestCases,
  ...smallBankTestCases,
  ...ycsbTestCases,
];

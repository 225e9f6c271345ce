/**
 * smallBank and its six operations: BlockBench's SmallBank as the Go tools ran it (their
 * smallBankTx, smallBank{Almagate,GetBalance,SendPayment,UpdateBalance,UpdateSaving,WriteCheck}Tx):
 * customers "user<n>" with n random below 100,000 (SMALLBANK_MAX_NUM_USERS' default; the
 * variable is not read here), every amount 0 as there, so no balance ever moves and no call
 * reverts: the cost is the string-keyed reads and the unchanged writes (~25-32k gas).
 * getBalance is an eth_call; the others are transactions, success = accepted by the node.
 */
import { Interface } from 'ethers/abi';

import type { TestCase } from '../../src/api/test-case.js';
import { loadArtifact } from './artifacts.js';
import { type ContractOp, contractOpsTestCases, numbered } from './contract-ops.js';

const SMALL_BANK = new Interface(loadArtifact('SmallBank').abi);
const USERS = 100_000;
/** The Go tools' amount in every operation. */
const AMOUNT = 0;

const user = (): string => numbered('user', USERS);

/** SmallBank's function `fn` called with `args()`: test case smallBank<Fn>, the Go tools' smallBank<Fn>Tx. */
function op(fn: string, args: () => readonly unknown[], what: string): ContractOp {
  const title = `${fn[0]!.toUpperCase()}${fn.slice(1)}`;
  return {
    name: `smallBank${title}`,
    alias: `smallBank${title}Tx`,
    description: `SmallBank.${fn}: ${what}`,
    kind: fn === 'getBalance' ? 'read' : 'send',
    fn,
    calldata: () => SMALL_BANK.encodeFunctionData(fn, args()),
  };
}

export const smallBankTestCases: readonly TestCase[] = contractOpsTestCases({
  contract: 'SmallBank',
  abi: SMALL_BANK,
  name: 'smallBank',
  alias: 'smallBankTx',
  description: `SmallBank: one of its six operations at random on "user<n>" customers (n < ${USERS}), amounts ${AMOUNT}; success = accepted (getBalance: a valid eth_call result)`,
  ops: [
    op('almagate', () => [user(), user()], `two random customers' balances merged; success = accepted by the node`),
    op('getBalance', () => [user()], 'a random customer read with eth_call; success = a valid uint256'),
    op('sendPayment', () => [user(), user(), AMOUNT], `a payment of ${AMOUNT} between two random customers; success = accepted by the node`),
    op('updateBalance', () => [user(), AMOUNT], `a deposit of ${AMOUNT} to a random customer's checking; success = accepted by the node`),
    op('updateSaving', () => [user(), AMOUNT], `a deposit of ${AMOUNT} to a random customer's savings; success = accepted by the node`),
    op('writeCheck', () => [user(), AMOUNT], `a check of ${AMOUNT} drawn by a random customer; success = accepted by the node`),
  ],
});

/**
 * erc20Transfer: TestToken.transfer of 1-1,000 base units to another test account. The token
 * is deployed at setup and every test account gets MINT_EACH units by batch mint, more than
 * any run can spend, so a transfer cannot revert for want of tokens. Success = accepted by
 * the node, like valueTransfer.
 */
import { Interface } from 'ethers/abi';

import { defineTestCase, type TestCaseContext } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import { randomAddress } from '../../src/chain/gas-limit.js';
import { randomInt } from '../../src/util/random-text.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { loadArtifact } from './artifacts.js';
import { type ContractCallSetup, sendContractCall, withContract } from './contract-call.js';
import { chunks, withMinter } from './token-minter.js';

const NAME = 'erc20Transfer';
const TOKEN = new Interface(loadArtifact('TestToken').abi);
/** 10^6 tokens of 18 decimals per account. */
export const MINT_EACH = 10n ** 24n;
/** ~25k gas per new holder: 200 holders take ~5M gas, a sixth of a 30M block. */
const MINT_BATCH = 200;
const MAX_UNITS = 1_000;

function transfer(to: string, units: number | bigint): string {
  return TOKEN.encodeFunctionData('transfer', [to, units]);
}

/** The token, minted to every test account, and the call setup for transfers of it. */
export async function prepareErc20(ctx: TestCaseContext): Promise<ContractCallSetup> {
  const tx = ctx.tx;
  const chain = await tx.chain();
  const accounts = await tx.accounts();
  const token = await withMinter({ rpc: ctx.rpc, log: ctx.log, accounts, receiptTimeoutMs: tx.settings.receiptTimeoutMs }, `${NAME} setup`, async (minter) => {
    const address = await minter.deploy('TestToken');
    for (const batch of chunks(accounts.list, MINT_BATCH)) {
      await minter.sender.send({ to: address, data: TOKEN.encodeFunctionData('mintBatch', [batch.map((a) => a.address), MINT_EACH]) });
    }
    ctx.log.info({ token: address, accounts: accounts.list.length, each: MINT_EACH.toString() }, `${NAME}: tokens minted`);
    return address;
  });
  // The costliest transfer: to an address that holds nothing yet.
  return withContract(ctx, NAME, { chain, accounts, contract: token }, (contract, from) => ({
    from: from.address,
    to: contract,
    data: transfer(randomAddress(), MAX_UNITS),
  }));
}

export const erc20Transfer = defineTestCase({
  name: NAME,
  aliases: ['erc20TransferTC'],
  description: 'ERC-20 transfer of 1-1000 units to another test account (token deployed and minted at setup); success = accepted by the node',
  async setup(ctx) {
    const setup = await prepareErc20(ctx);
    const { list } = setup.accounts;
    const data = (from: TestAccount): string => transfer(pickRecipient(list, from.index).address, randomInt(1, MAX_UNITS));
    return {
      async run(user) {
        await sendContractCall(user, setup, data);
      },
    };
  },
});

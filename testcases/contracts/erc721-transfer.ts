/**
 * erc721Transfer: TestNft.transferFrom(sender, another test account, one of the sender's
 * ids). The token is deployed at setup and TOKENS_EACH ids are minted to every test account;
 * the minted ids are read from the mint receipts' Transfer events into a ledger (see
 * nft-ledger.ts), so the test case always knows which ids a sender owns.
 *
 * Counted once mined (like the typed mix, see confirmed-send.ts), not on acceptance: the
 * ledger must wait for the receipt anyway (a receiver may pass an id on only once it owns it
 * on chain, and a reverted transfer leaves the id with its sender), and a transfer that
 * reverts should not count as a success.
 */
import { Interface } from 'ethers/abi';

import { defineTestCase, type PreparedTestCase, type TestCaseContext } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import type { Settlement } from '../../src/chain/confirmed-send.js';
import { randomAddress } from '../../src/chain/gas-limit.js';
import type { Lease } from '../../src/chain/nonce-manager.js';
import { type FundedAccounts } from '../../src/chain/tx-session.js';
import type { User } from '../../src/runner/task.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { loadArtifact } from './artifacts.js';
import { sendConfirmedCall, withContract } from './contract-call.js';
import { NftLedger, type TransferOutcome } from './nft-ledger.js';
import { chunks, withMinter } from './token-minter.js';

const NAME = 'erc721Transfer';
const NFT = new Interface(loadArtifact('TestNft').abi);
const TRANSFER_EVENT = NFT.getEvent('Transfer')!.topicHash;
/** Ids minted to each test account (as the reference did). */
export const TOKENS_EACH = 5;
/** ~29k gas per token: 50 owners × 5 ids take ~7.3M gas, a quarter of a 30M block. */
const MINT_OWNERS_PER_BATCH = 50;

export interface Erc721Prepared extends PreparedTestCase {
  /** The token contract. */
  readonly contract: string;
  /** Who owns which id, as this process knows it. */
  readonly ledger: NftLedger;
}

/** What a confirmed transfer's end means for the id. Pure. */
export function transferOutcome(settlement: Settlement): TransferOutcome {
  switch (settlement.kind) {
    case 'mined':
      return settlement.executed ? 'moved' : 'returned';
    case 'refused':
      return 'returned';
    case 'unknown':
      return 'lost';
  }
}

/** Deploys the token, mints TOKENS_EACH ids to every test account and records them from the Transfer events. */
async function mintAll(ctx: TestCaseContext, accounts: FundedAccounts, receiptTimeoutMs: number): Promise<{ contract: string; ledger: NftLedger }> {
  return withMinter({ rpc: ctx.rpc, log: ctx.log, accounts, receiptTimeoutMs }, `${NAME} setup`, async (minter) => {
    const contract = await minter.deploy('TestNft');
    const ledger = new NftLedger();
    for (const batch of chunks(accounts.list, MINT_OWNERS_PER_BATCH)) {
      const receipt = await minter.sender.send({ to: contract, data: NFT.encodeFunctionData('mintBatch', [batch.map((a) => a.address), TOKENS_EACH]) });
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== contract.toLowerCase() || log.topics[0] !== TRANSFER_EVENT) continue;
        const event = NFT.parseLog({ topics: [...log.topics], data: log.data });
        if (event !== null) ledger.add(event.args.getValue('to') as string, event.args.getValue('tokenId') as bigint);
      }
    }
    const expected = accounts.list.length * TOKENS_EACH;
    if (ledger.size !== expected) throw new Error(`the mint receipts show ${ledger.size} Transfer events, expected ${expected}`);
    ctx.log.info({ token: contract, ids: ledger.size }, `${NAME}: tokens minted`);
    return { contract, ledger };
  });
}

/**
 * Leases accounts until one owns a free id. When every free account owns none (the ids sit
 * with accounts whose transfers are in flight), waits for the next transfer to settle and
 * returns null, so the user tries again without spinning.
 */
async function leaseWithToken(accounts: FundedAccounts, ledger: NftLedger, signal: AbortSignal): Promise<{ lease: Lease<TestAccount>; id: bigint } | null> {
  for (let tries = 0; tries < accounts.list.length; tries++) {
    const lease = await accounts.nonces.lease(signal);
    if (lease === null) return null;
    const id = ledger.take(lease.account.address);
    if (id !== undefined) return { lease, id };
    lease.release('unused');
  }
  await ledger.changed(signal);
  return null;
}

export async function prepareErc721(ctx: TestCaseContext): Promise<Erc721Prepared> {
  const tx = ctx.tx;
  const chain = await tx.chain();
  const accounts = await tx.accounts();
  const timeoutMs = tx.settings.receiptTimeoutMs;
  const { contract, ledger } = await mintAll(ctx, accounts, timeoutMs);
  // The costliest transfer: to an address that owns no token yet.
  const setup = await withContract(ctx, NAME, { chain, accounts, contract }, (to, from) => ({
    from: from.address,
    to,
    data: NFT.encodeFunctionData('transferFrom', [from.address, randomAddress(), ledger.peek(from.address)!]),
  }));
  return {
    contract,
    ledger,
    async run(user: User) {
      const picked = await leaseWithToken(accounts, ledger, user.signal);
      if (picked === null) return;
      const { lease, id } = picked;
      const from = lease.account;
      const to = pickRecipient(accounts.list, from.index);
      const data = NFT.encodeFunctionData('transferFrom', [from.address, to.address, id]);
      await sendConfirmedCall(user, setup, lease, data, { onSettled: (settlement) => ledger.settle(id, to.address, transferOutcome(settlement)) });
    },
  };
}

export const erc721Transfer = defineTestCase({
  name: NAME,
  aliases: ['erc721TransferTC'],
  description: `ERC-721 transferFrom of one of the sender's ids (${TOKENS_EACH} minted per account at setup) to another test account; success = mined with status 1 (time to receipt)`,
  setup: prepareErc721,
});

/**
 * The KIP-249 auction test cases of kaia-load-tester (2025): kaiaAuctionBid (auctionBidTC) and
 * kaiaAuctionRevertedBid (auctionRevertedBidTC). Each iteration, a random test account sends
 * a target transaction — a Kaia ValueTransfer (0x08) to another test account, through the
 * usual send path and chain-truth tracking — and then, as searcher, bids on it for the next
 * block with `auction_submitBid` (src/chain/kaia/auction-bid.ts): the bid calls
 * `General.reward(searcher)` right after the target, and the auctioneer's key co-signs.
 * kaiaAuctionRevertedBid bids with a nonce the entry point never expects (2^53 − 1, the
 * largest a JSON number carries exactly; the Go tool's MaxInt64 does not survive JSON), so the
 * node takes the bid but its execution reverts.
 *
 * Recorded: the target under `<ns>_sendRawTransaction` and `mined` like any Kaia send; the
 * bid under `auction_submitBid` · the test case, a success when the node answers a bid hash
 * (its err otherwise). The bid's own transaction is the proposer's, not ours: the tracker does
 * not follow it. The Go tool bid for the next two blocks and counted either; here one bid, for
 * the next block as last read (a block that moved meanwhile is the node's "invalid block
 * number", a failure).
 *
 * Setup, before anything is funded: the auction probe (auction-probe.ts) and a --charge that
 * covers the vault's minimum deposit; then every test account holding less than that deposits
 * the difference as a searcher, and the General contract is deployed by the rich key.
 */
import { Interface } from 'ethers/abi';

import type { TestCase } from '../../src/api/test-case.js';
import { ChainHead } from '../../src/chain/chain-head.js';
import { type AuctionBid, auctionBidInput, signAuctionBid } from '../../src/chain/kaia/auction-bid.js';
import { AUCTION_DEPOSIT_VAULT, AUCTION_ENTRY_POINT, type AuctionInfo, probeAuction } from '../../src/chain/kaia/auction-probe.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import { KaiaFeatureMissingError } from '../../src/chain/kaia/node-probe.js';
import { KaiaTxType } from '../../src/chain/kaia/tx-types.js';
import { type CallLabel, describeResult, timedCall } from '../../src/runner/timed-call.js';
import { loadArtifact } from '../contracts/artifacts.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { defineKaiaTestCase } from './kaia-test-case.js';
import { randomValue, sendKaiaTx } from './send-kaia-tx.js';
import { sendFromEach, view } from './setup-sends.js';

/** What each bid offers, in kei, out of the searcher's deposit. */
const BID_KEI = 1_000_000_000n;
/** The bid's call, General.reward: about 50,000 gas. */
const CALL_GAS_LIMIT = 200_000n;
/** A searcher nonce the entry point never reaches, exact in JSON. */
const NEVER_NONCE = BigInt(Number.MAX_SAFE_INTEGER);
/** The head is re-read this often: a bid is for the block after it, and Kaia makes one a second. */
const HEAD_REFRESH_MS = 200;
const GENERAL = new Interface(loadArtifact('General').abi);

/** Success: the node answers a bid hash; a result with `err` is the node's refusal. */
export function validateBidResult(result: unknown): string | undefined {
  const answer = (typeof result === 'object' && result !== null ? result : {}) as { bidHash?: unknown; err?: unknown };
  if (typeof answer.err === 'string') return `auction_submitBid: ${answer.err}`;
  return typeof answer.bidHash === 'string' ? undefined : `invalid auction_submitBid result: ${describeResult(result)}`;
}

function auctionTestCase(name: string, alias: string, reverted: boolean, description: string): TestCase {
  return defineKaiaTestCase<AuctionInfo>({
    name,
    alias,
    description,
    async probe(ctx) {
      const info = await probeAuction(ctx.rpc, name);
      if (ctx.tx.settings.chargeWei <= info.minDeposit) {
        throw new KaiaFeatureMissingError(
          `${name}: each test account deposits the auction vault's minimum, ${info.minDeposit} kei, as a searcher: give a --charge above it (and fewer --accounts to fund)`,
        );
      }
      return info;
    },
    async ready(setup, ctx, info) {
      const { entryPoint, depositVault, minDeposit, auctioneer } = info;
      const deposits = await Promise.all(
        setup.accounts.list.map(async (a) => (await view(setup, AUCTION_DEPOSIT_VAULT, depositVault, 'depositBalances', [a.address]))[0] as bigint),
      );
      const short = setup.accounts.list.filter((_, i) => deposits[i]! < minDeposit);
      await sendFromEach(setup, short, 'depositing in the auction vault', (account) => ({
        to: depositVault,
        data: AUCTION_DEPOSIT_VAULT.encodeFunctionData('deposit', []),
        value: minDeposit - deposits[setup.accounts.list.indexOf(account)]!,
        gasLimit: 200_000n,
      }));
      const general = await ctx.contracts.deployContract(loadArtifact('General'));
      const head = await ChainHead.open({ rpc: ctx.rpc, method: `${setup.namespace}_blockNumber`, refreshMs: HEAD_REFRESH_MS, log: ctx.log });
      // The newest block the tracker has seen: often newer than the head read up to 200 ms ago
      // (it follows every block, at once over --ws-endpoint), and a bid for a block already
      // made is refused ("invalid block number").
      let seen = -1;
      const unfollow = setup.accounts.tracker.onBlock((block) => {
        seen = Math.max(seen, block.number);
      });
      const type = KaiaTxType.ValueTransfer;
      const gas = kaiaMinGasLimitAnyFork({ type });
      const label: CallLabel = { type: 'auction_submitBid', name };
      const { list } = setup.accounts;
      ctx.log.info({ testCase: name, entryPoint, searchersDeposited: short.length }, 'auction ready');
      return {
        async run(user) {
          let targetRaw = '';
          const attempt = await sendKaiaTx(user, setup, (from) => ({
            fields: { type, gas, to: pickRecipient(list, from.index).address, value: randomValue() },
            onSigned: (signed) => {
              targetRaw = signed.raw;
            },
          }));
          if (attempt === null || !attempt.result.accepted) return;
          const searcher = attempt.from;
          const nonce = reverted
            ? NEVER_NONCE
            : ((await view(setup, AUCTION_ENTRY_POINT, entryPoint, 'getNoncesAndDeposits', [[searcher.address]]))[0] as bigint[])[0]!;
          const bid: AuctionBid = {
            targetTxHash: attempt.result.hash,
            blockNumber: BigInt(Math.max(head.current(), seen) + 1),
            sender: searcher.address,
            to: general,
            nonce,
            bid: BID_KEI,
            callGasLimit: CALL_GAS_LIMIT,
            data: GENERAL.encodeFunctionData('reward', [searcher.address]),
          };
          const signed = signAuctionBid(bid, setup.chainId, entryPoint, searcher.signer, auctioneer);
          await timedCall(user, ctx.rpc, label, 'auction_submitBid', [auctionBidInput(bid, targetRaw, signed)], validateBidResult);
        },
        teardown: () => {
          unfollow();
          return head.close();
        },
      };
    },
  });
}

export const kaiaAuctionBid = auctionTestCase(
  'kaiaAuctionBid',
  'auctionBidTC',
  false,
  'KIP-249: a ValueTransfer, then a bid on it for the next block (auction_submitBid), co-signed with KLAYWORKER_AUCTIONEER_KEY',
);

export const kaiaAuctionRevertedBid = auctionTestCase(
  'kaiaAuctionRevertedBid',
  'auctionRevertedBidTC',
  true,
  'KIP-249: as kaiaAuctionBid, with a searcher nonce the entry point never expects, so the bid is taken but its execution reverts',
);

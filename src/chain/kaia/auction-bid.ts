/**
 * KIP-249 auction bids, as kaiachain/kaia v2 checks them (kaiax/auction): a searcher bids to
 * have a call of its own run right after a target transaction. The searcher signs the bid as
 * EIP-712 typed data — domain KAIA_AUCTION 0.0.1, the chain id and the AuctionEntryPoint
 * contract, type AuctionTx(bytes32 targetTxHash, uint256 blockNumber, address sender, address
 * to, uint256 nonce, uint256 bid, uint256 callGasLimit, bytes data) — and the auctioneer signs
 * the searcher's 65-byte signature as an EIP-191 personal message. Both signatures are
 * r ‖ s ‖ v with v 27 or 28. The bid goes to the node with `auction_submitBid`.
 */
import type { SigningKey } from 'ethers/crypto';
import { hashMessage, TypedDataEncoder } from 'ethers/hash';
import { getBytes, hexlify, toQuantity } from 'ethers/utils';

import { defaultEcdsaSigner } from '../signing/ecdsa.js';

/** The EIP-712 domain's name and version, and the bid's type (kaiax/auction eip712.go). */
export const AUCTION_DOMAIN = { name: 'KAIA_AUCTION', version: '0.0.1' } as const;
export const AUCTION_TX_TYPES = {
  AuctionTx: [
    { name: 'targetTxHash', type: 'bytes32' },
    { name: 'blockNumber', type: 'uint256' },
    { name: 'sender', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'bid', type: 'uint256' },
    { name: 'callGasLimit', type: 'uint256' },
    { name: 'data', type: 'bytes' },
  ],
};

/** What the searcher bids, before the signatures. */
export interface AuctionBid {
  readonly targetTxHash: string;
  /** The block the bid is for: the next one or the one after (the node takes head+1 and head+2). */
  readonly blockNumber: bigint;
  /** The searcher. */
  readonly sender: string;
  /** What the bid calls, with `data`, right after the target transaction. */
  readonly to: string;
  /** The searcher's nonce in the AuctionEntryPoint. */
  readonly nonce: bigint;
  /** kei taken from the searcher's deposit. */
  readonly bid: bigint;
  readonly callGasLimit: bigint;
  readonly data: string;
}

/** The digest the searcher signs. Pure. */
export function auctionBidDigest(bid: AuctionBid, chainId: bigint, entryPoint: string): string {
  return TypedDataEncoder.hash({ ...AUCTION_DOMAIN, chainId, verifyingContract: entryPoint }, AUCTION_TX_TYPES, bid);
}

/** `digest` signed as r ‖ s ‖ v (v = 27 + recovery id), as Kaia's auction checks it. */
function sign65(key: SigningKey, digest: string): string {
  const sig = defaultEcdsaSigner().sign(key, getBytes(digest));
  return hexlify(new Uint8Array([...sig.r, ...sig.s, 27 + sig.recid]));
}

export interface SignedBid {
  readonly searcherSig: string;
  readonly auctioneerSig: string;
}

/** The searcher's and the auctioneer's signatures of `bid`. Deterministic (RFC 6979). */
export function signAuctionBid(bid: AuctionBid, chainId: bigint, entryPoint: string, searcher: SigningKey, auctioneer: SigningKey): SignedBid {
  const searcherSig = sign65(searcher, auctionBidDigest(bid, chainId, entryPoint));
  return { searcherSig, auctioneerSig: sign65(auctioneer, hashMessage(getBytes(searcherSig))) };
}

/** The parameter of `auction_submitBid` (kaiax/auction/impl BidInput). */
export function auctionBidInput(bid: AuctionBid, targetTxRaw: string, signed: SignedBid): Record<string, unknown> {
  // Kaia reads these as JSON numbers: past 2^53 a number would arrive as another value than the one signed.
  for (const [what, n] of [
    ['blockNumber', bid.blockNumber],
    ['nonce', bid.nonce],
    ['callGasLimit', bid.callGasLimit],
  ] as const) {
    if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`auction bid ${what} ${n} does not fit a JSON number exactly`);
  }
  return {
    targetTxRaw,
    targetTxHash: bid.targetTxHash,
    blockNumber: Number(bid.blockNumber),
    sender: bid.sender,
    to: bid.to,
    nonce: Number(bid.nonce),
    bid: toQuantity(bid.bid),
    callGasLimit: Number(bid.callGasLimit),
    data: bid.data,
    searcherSig: signed.searcherSig,
    auctioneerSig: signed.auctioneerSig,
  };
}

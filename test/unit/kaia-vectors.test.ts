/**
 * Our Kaia signing path against the vectors Kaia publishes (test/fixtures/kaia-vectors.json,
 * copied from the Kaia docs and kaia-sdk, each with its source). RFC 6979 makes signatures
 * deterministic, so with the published private keys every RLP must match byte for byte.
 */
import { readFileSync } from 'node:fs';

import { computeAddress, decodeRlp, encodeRlp, getAddress, getBytes, hashMessage, keccak256, recoverAddress, Signature, SigningKey, toBeHex } from 'ethers';
import { describe, expect, it } from 'vitest';

import { ACCOUNT_KEY_LEGACY, accountKeyPublic } from '../../src/chain/kaia/account-key.js';
import { type AuctionBid, auctionBidDigest, signAuctionBid } from '../../src/chain/kaia/auction-bid.js';
import { kaiaTxHash, signAsFeePayer, signKaiaTx } from '../../src/chain/kaia/sign.js';
import { assembleKaiaTx, kaiaFeePayerSigRlp, kaiaSigRlp, type KaiaTxFields, quantityItem, type RlpSignature } from '../../src/chain/kaia/tx-encoding.js';
import { KAIA_TX_TYPES, KaiaTxType, type KaiaTxTypeCode, kaiaTxTypeInfo } from '../../src/chain/kaia/tx-types.js';

interface FixtureTx {
  nonce: string;
  gasPrice: string;
  gas: string;
  from: string;
  to?: string | null;
  value?: string;
  data?: string;
  key?: string;
  humanReadable?: boolean;
  codeFormat?: number;
  feePayer?: string;
  feeRatio?: number;
}

interface Source {
  repo: string;
  commit: string;
  path: string;
  section?: string;
}

interface Vector {
  name: string;
  type: string;
  kind: 'signed' | 'onchain';
  source: Source;
  chainId: string;
  senderKey?: string;
  feePayerKey?: string;
  tx: FixtureTx;
  /** Where a source printed a wrong value: what it printed, and where the correction comes from. */
  errata?: Array<{ field: 'senderTxHashRlp'; published: string; note: string; correctedFrom: Source }>;
  /** As published: [v, r, s] as hex numbers. */
  signatures?: { sender: Array<[string, string, string]>; feePayer?: Array<[string, string, string]> };
  expected: {
    sigRlp?: string;
    sigHash?: string;
    feePayerSigRlp?: string;
    feePayerSigHash?: string;
    senderTxHashRlp?: string;
    senderTxHash?: string;
    txHashRlp: string;
    txHash: string;
  };
}

interface Fixture {
  vectors: Vector[];
  accountKeys: Array<{ name: string; source: Source; expected: string; privateKey?: string; publicKeyX?: string }>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/kaia-vectors.json', import.meta.url), 'utf8')) as Fixture;
const signed = fixture.vectors.filter((v) => v.kind === 'signed');
const onchain = fixture.vectors.filter((v) => v.kind === 'onchain');

function fieldsOf(vector: Vector): KaiaTxFields {
  const { tx } = vector;
  const type = Number(vector.type) as KaiaTxTypeCode;
  return {
    type,
    chainId: BigInt(vector.chainId),
    nonce: BigInt(tx.nonce),
    gasPrice: BigInt(tx.gasPrice),
    gas: BigInt(tx.gas),
    from: tx.from,
    ...(tx.to !== undefined ? { to: tx.to } : {}),
    ...(tx.value !== undefined ? { value: BigInt(tx.value) } : {}),
    ...(tx.data !== undefined ? { data: tx.data } : {}),
    ...(tx.key !== undefined ? { key: tx.key } : {}),
    ...(tx.humanReadable !== undefined ? { humanReadable: tx.humanReadable } : {}),
    ...(tx.codeFormat !== undefined ? { codeFormat: tx.codeFormat } : {}),
    ...(tx.feeRatio !== undefined ? { feeRatio: tx.feeRatio } : {}),
  };
}

function label(v: Vector): string {
  return `${v.type} ${v.name} (${v.source.repo} ${v.source.path})`;
}

/** Published [v, r, s] numbers as Kaia encodes them: minimal big-endian. */
function rlpSignatures(published: Array<[string, string, string]>): RlpSignature[] {
  return published.map(([v, r, s]) => [quantityItem(BigInt(v), 'v'), quantityItem(BigInt(r), 'r'), quantityItem(BigInt(s), 's')]);
}

/** Who signed `digest` with an EIP-155 [v, r, s] as Kaia encodes it (r and s minimal). */
function signerOf(digest: string, [v, r, s]: RlpSignature): string {
  const word = (x: string): string => `0x${x.slice(2).padStart(64, '0')}`;
  return recoverAddress(digest, Signature.from({ r: word(r), s: word(s), v: BigInt(v) }));
}

describe('published vectors', () => {
  it('come with a source, and cover every Kaia type we support with private keys (AccountCreation, which no node takes, has none)', () => {
    for (const v of fixture.vectors) {
      expect(v.source.repo, v.name).toMatch(/^kaiachain\//);
      expect(v.source.commit, v.name).toMatch(/^[0-9a-f]{40}$/);
    }
    const covered = new Set(signed.map((v) => Number(v.type)));
    expect(KAIA_TX_TYPES.filter((t) => !covered.has(t.code)).map((t) => t.name)).toEqual(['AccountCreation']);
    expect(KAIA_TX_TYPES.filter((t) => t.disabled).map((t) => t.name)).toEqual(['AccountCreation']);
  });
});

describe.each(signed.map((v) => [label(v), v] as const))('signing %s', (_, vector) => {
  const fields = fieldsOf(vector);
  const info = kaiaTxTypeInfo(fields.type);
  const { expected } = vector;
  const senderKey = new SigningKey(vector.senderKey!);

  it('builds the published SigRLP', () => {
    expect(kaiaSigRlp(fields)).toBe(expected.sigRlp);
    expect(keccak256(kaiaSigRlp(fields))).toBe(expected.sigHash);
  });

  if (!info.feeDelegated) {
    it('signs to the published TxHashRLP, whose hash is the published TxHash', () => {
      const rlp = signKaiaTx(fields, senderKey);
      expect(rlp).toBe(expected.txHashRlp);
      expect(rlp).toBe(expected.senderTxHashRlp);
      expect(kaiaTxHash(rlp)).toBe(expected.txHash);
    });
    return;
  }

  for (const erratum of vector.errata ?? []) {
    it(`corrects a misprinted ${erratum.field} only where the source's own hash proves it`, () => {
      expect(keccak256(erratum.published)).not.toBe(expected.senderTxHash);
      expect(keccak256(expected.senderTxHashRlp!)).toBe(expected.senderTxHash);
    });
  }

  it('signs as the sender to the published SenderTxHashRLP and SenderTxHash', () => {
    const senderRlp = signKaiaTx(fields, senderKey);
    expect(senderRlp).toBe(expected.senderTxHashRlp);
    expect(kaiaTxHash(senderRlp)).toBe(expected.senderTxHash);
  });

  it('builds the published fee payer SigRLP', () => {
    expect(kaiaFeePayerSigRlp(fields, vector.tx.feePayer!)).toBe(expected.feePayerSigRlp);
    expect(keccak256(expected.feePayerSigRlp!)).toBe(expected.feePayerSigHash);
  });

  it('adds a decoupled fee payer signature to reach the published TxHashRLP and TxHash', () => {
    const feePayerKey = new SigningKey(vector.feePayerKey!);
    // The docs' fee payer is an account whose key was updated: its address is not the key's.
    expect(computeAddress(feePayerKey.publicKey).toLowerCase()).not.toBe(vector.tx.feePayer);
    const rlp = signAsFeePayer(signKaiaTx(fields, senderKey), feePayerKey, vector.tx.feePayer);
    expect(rlp).toBe(expected.txHashRlp);
    expect(kaiaTxHash(rlp)).toBe(expected.txHash);
    // The same, with hex keys instead of SigningKey objects.
    expect(signAsFeePayer(signKaiaTx(fields, vector.senderKey!), vector.feePayerKey!, vector.tx.feePayer)).toBe(expected.txHashRlp);
  });
});

describe.each(onchain.map((v) => [label(v), v] as const))('on-chain transaction %s', (_, vector) => {
  const fields = fieldsOf(vector);
  const { expected } = vector;
  const published = vector.signatures!;
  const sigs = { sender: rlpSignatures(published.sender), feePayer: published.feePayer && rlpSignatures(published.feePayer) };
  const feePayer = sigs.feePayer === undefined ? undefined : { address: vector.tx.feePayer!, signatures: sigs.feePayer };

  it('re-encodes to the published TxHashRLP with the published signatures, and hashes to the chain’s tx hash', () => {
    const rlp = assembleKaiaTx(fields, sigs.sender, feePayer);
    expect(rlp).toBe(expected.txHashRlp.toLowerCase());
    expect(kaiaTxHash(rlp)).toBe(expected.txHash.toLowerCase());
    if (expected.senderTxHashRlp !== undefined) expect(assembleKaiaTx(fields, sigs.sender)).toBe(expected.senderTxHashRlp);
  });

  // Only where the source publishes the SigRLPs: a decoupled sender (0x20 here) signs with a
  // key whose address is not `from`, and nothing published says which key that is.
  if (expected.sigRlp !== undefined) {
    it('builds the published SigRLP, which the sender’s signature covers', () => {
      const sigRlp = kaiaSigRlp(fields);
      expect(sigRlp).toBe(expected.sigRlp);
      expect(signerOf(keccak256(sigRlp), sigs.sender[0]!).toLowerCase()).toBe(vector.tx.from);
    });
  }

  if (feePayer !== undefined && expected.feePayerSigRlp !== undefined) {
    it('builds the published fee payer SigRLP, which the fee payer’s signature covers', () => {
      const sigRlp = kaiaFeePayerSigRlp(fields, feePayer.address);
      expect(sigRlp).toBe(expected.feePayerSigRlp);
      expect(signerOf(keccak256(sigRlp), feePayer.signatures[0]!).toLowerCase()).toBe(feePayer.address);
    });
  }
});

describe('account keys', () => {
  it('encodes AccountKeyLegacy and AccountKeyPublic as the docs do', () => {
    const legacy = fixture.accountKeys.find((k) => k.name === 'AccountKeyLegacy')!;
    expect(ACCOUNT_KEY_LEGACY).toBe(legacy.expected);
    const pub = fixture.accountKeys.find((k) => k.name === 'AccountKeyPublic')!;
    const key = new SigningKey(pub.privateKey!);
    expect(key.publicKey.slice(4, 68)).toBe(pub.publicKeyX!.slice(2));
    expect(accountKeyPublic(key.publicKey)).toBe(pub.expected);
    expect(accountKeyPublic(key.compressedPublicKey)).toBe(pub.expected);
  });

  it('matches the AccountUpdate vectors, which set the sender’s own public key', () => {
    const updates = signed.filter((v) => kaiaTxTypeInfo(Number(v.type)).family === 'accountUpdate');
    expect(updates).toHaveLength(3);
    for (const v of updates) expect(accountKeyPublic(new SigningKey(v.senderKey!).publicKey), v.name).toBe(v.tx.key);
  });

  it('refuses a private key where a public key is expected', () => {
    expect(() => accountKeyPublic(`0x${'11'.repeat(32)}`)).toThrow(/public key/);
  });
});

describe('AccountCreation (0x18): no published vector, so checked against kaiachain/kaia’s layout with ethers’ own RLP encoder', () => {
  // TxInternalDataAccountCreation.SerializeForSignToBytes and its serializable form: nonce,
  // price, gas, recipient, amount, from, humanReadable, key, then the signatures. The
  // inputs are the docs' ValueTransfer example's, with the sender's own public key as the new key.
  const vector = signed.find((v) => v.name === 'TxTypeValueTransfer')!;
  const senderKey = new SigningKey(vector.senderKey!);
  const key = accountKeyPublic(senderKey.compressedPublicKey);
  const { nonce, gasPrice, gas, from, to, value } = vector.tx;
  const fields: KaiaTxFields = { ...fieldsOf({ ...vector, type: '0x18' }), humanReadable: false, key };
  // Minimal big-endian integers (0 is empty), as RLP items.
  const q = (x: string): string => (BigInt(x) === 0n ? '0x' : toBeHex(BigInt(x)));
  const body = [q(nonce), q(gasPrice), q(gas), to!, q(value!), from, '0x', key];
  const chainId = q(vector.chainId);

  it('builds SigRLP = rlp([rlp([0x18, nonce, gasPrice, gas, to, value, from, humanReadable, key]), chainId, 0, 0])', () => {
    expect(kaiaSigRlp(fields)).toBe(encodeRlp([encodeRlp(['0x18', ...body]), chainId, '0x', '0x']));
  });

  it('signs to 0x18 ‖ rlp([...fields, [[v, r, s]]]), a signature of the SigRLP by the sender', () => {
    const rlp = signKaiaTx(fields, senderKey);
    const sig = lastSignature(rlp);
    expect(rlp).toBe(`0x18${encodeRlp([...body, [[...sig]]]).slice(2)}`);
    expect(signerOf(keccak256(kaiaSigRlp(fields)), sig)).toBe(getAddress(from));
    // humanReadable true is the one-byte 0x01, as Go's RLP encodes a bool.
    expect(kaiaSigRlp({ ...fields, humanReadable: true })).toBe(encodeRlp([encodeRlp(['0x18', ...body.slice(0, 6), '0x01', key]), chainId, '0x', '0x']));
  });
});

describe('our encoding beyond the vectors', () => {
  const sender = new SigningKey(`0x${'01'.repeat(32)}`);
  const from = computeAddress(sender.publicKey);
  const base = {
    type: KaiaTxType.FeeDelegatedValueTransferWithRatio,
    chainId: 1001n,
    gasPrice: 25_000_000_000n,
    gas: 100_000n,
    from,
    to: '0x7b65B75d204aBed71587c9E519a89277766EE1d0',
    value: 0n,
    feeRatio: 30,
  } as const;

  it('encodes r and s minimally when they start with a zero byte, as Kaia’s decoder requires', () => {
    // RFC 6979 is deterministic, so this search always stops at the same nonce.
    let found: { rlp: string; nonce: number } | undefined;
    for (let nonce = 0; nonce < 5_000 && found === undefined; nonce++) {
      const rlp = signKaiaTx({ ...base, nonce }, sender);
      const [, r, s] = lastSignature(rlp);
      if (getBytes(r).length < 32 || getBytes(s).length < 32) found = { rlp, nonce };
    }
    expect(found, 'no signature with a short r or s in 5000 nonces').toBeDefined();
    const { rlp, nonce } = found!;
    const sig = lastSignature(rlp);
    for (const part of sig) expect(part.startsWith('0x00'), `non-canonical integer ${part}`).toBe(false);
    expect(signerOf(keccak256(kaiaSigRlp({ ...base, nonce })), sig)).toBe(from);
    // The fee payer keeps the sender's part as it was.
    const full = decodeFullTx(signAsFeePayer(rlp, sender));
    expect(full.senderPart).toEqual(decodeRlp(`0x${rlp.slice(4)}`));
  });

  it('fee payer defaults to the key’s own address', () => {
    const payer = new SigningKey(`0x${'02'.repeat(32)}`);
    const payerAddress = computeAddress(payer.publicKey);
    const senderRlp = signKaiaTx({ ...base, nonce: 7 }, sender);
    const rlp = signAsFeePayer(senderRlp, payer);
    expect(rlp).toBe(signAsFeePayer(senderRlp, payer, payerAddress));
    const { feePayer, feePayerSignature } = decodeFullTx(rlp);
    expect(feePayer).toBe(payerAddress.toLowerCase());
    expect(signerOf(keccak256(kaiaFeePayerSigRlp({ ...base, nonce: 7 }, payerAddress)), feePayerSignature)).toBe(payerAddress);
  });

  it('refuses what a fee payer cannot sign, in one line', () => {
    const basic = signKaiaTx({ ...base, type: KaiaTxType.ValueTransfer, feeRatio: undefined, nonce: 1 }, sender);
    expect(() => signAsFeePayer(basic, sender)).toThrow('ValueTransfer (0x08) is not fee-delegated: it has no fee payer');
    const full = signAsFeePayer(signKaiaTx({ ...base, nonce: 1 }, sender), sender);
    expect(() => signAsFeePayer(full, sender)).toThrow('already carries a fee payer');
    expect(() => signAsFeePayer('0x0a12', sender)).toThrow(/FeeDelegatedValueTransferWithRatio \(0x0a\)/);
    expect(() => signAsFeePayer('0x7f00', sender)).toThrow('0x7f is not a supported Kaia transaction type');
  });

  it('refuses fields the type does not have, or lacks, with the type in the message', () => {
    const tx = { ...base, nonce: 1 };
    expect(() => signKaiaTx({ ...tx, data: '0x01' }, sender)).toThrow('FeeDelegatedValueTransferWithRatio (0x0a) has no data field');
    expect(() => signKaiaTx({ ...tx, feeRatio: 100 }, sender)).toThrow(/feeRatio must be an integer percentage from 1 to 99, got 100/);
    expect(() => signKaiaTx({ ...tx, feeRatio: 0 }, sender)).toThrow(/got 0/);
    expect(() => signKaiaTx({ ...tx, to: null }, sender)).toThrow('needs a recipient (to)');
    expect(() => signKaiaTx({ ...tx, nonce: -1 }, sender)).toThrow(/nonce must be between 0 and/);
    expect(() => signKaiaTx({ ...tx, nonce: 2n ** 64n }, sender)).toThrow(/nonce must be between 0 and 18446744073709551615/);
    expect(() => signKaiaTx({ ...tx, to: '0x1234' }, sender)).toThrow(/to must be a 20-byte hex address/);
    expect(() => signKaiaTx({ type: KaiaTxType.AccountUpdate, chainId: 1n, nonce: 0, gasPrice: 1n, gas: 1n, from }, sender)).toThrow(
      'AccountUpdate (0x20) needs the new account key (key)',
    );
  });

  it('never puts a private key into an error', () => {
    const malformed = `0x${'zz'.repeat(32)}`;
    const zero = `0x${'00'.repeat(32)}`;
    const aboveOrder = `0x${'ff'.repeat(32)}`;
    for (const key of [malformed, zero, aboveOrder]) {
      let message = '';
      try {
        signKaiaTx({ ...base, nonce: 1 }, key);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^the sender key /);
      expect(message).not.toContain(key.slice(2, 20));
    }
  });
});

/** The first [v, r, s] of the last list in a signed RLP, read with ethers' decoder. */
function lastSignature(rlp: string): RlpSignature {
  const list = decodeRlp(`0x${rlp.slice(4)}`) as unknown[];
  return (list[list.length - 1] as RlpSignature[])[0]!;
}

/** A full TxHashRLP's list: [...fields, senderSigs, feePayer, feePayerSigs]. */
function decodeFullTx(txHashRlp: string): { senderPart: unknown[]; feePayer: string; feePayerSignature: RlpSignature } {
  const list = decodeRlp(`0x${txHashRlp.slice(4)}`) as unknown[];
  const feePayerSigs = list[list.length - 1] as RlpSignature[];
  return { senderPart: list.slice(0, -2), feePayer: list[list.length - 2] as string, feePayerSignature: feePayerSigs[0]! };
}

describe('KIP-249 auction bids (kaiachain/kaia kaiax/auction/bid_test.go)', () => {
  interface BidVector {
    chainId: string;
    entryPoint: string;
    searcherKey: string;
    auctioneerKey: string;
    auctioneer: string;
    bid: Record<'targetTxHash' | 'blockNumber' | 'sender' | 'to' | 'nonce' | 'bid' | 'callGasLimit' | 'data', string>;
    expected: { digest: string; searcherSig: string; ethSignedSearcherSig: string; auctioneerSig: string };
  }
  const { vectors, source } = (fixture as unknown as { auctionBids: { vectors: BidVector[]; source: Source } }).auctionBids;

  it('come from kaiachain/kaia at a commit', () => {
    expect(source.repo).toBe('kaiachain/kaia');
    expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(vectors.map((v) => [v.bid.targetTxHash, v] as const))('bid on %s: the EIP-712 digest and both signatures, byte for byte', (_, v) => {
    const bid: AuctionBid = {
      targetTxHash: v.bid.targetTxHash,
      blockNumber: BigInt(v.bid.blockNumber),
      sender: v.bid.sender,
      to: v.bid.to,
      nonce: BigInt(v.bid.nonce),
      bid: BigInt(v.bid.bid),
      callGasLimit: BigInt(v.bid.callGasLimit),
      data: v.bid.data,
    };
    const chainId = BigInt(v.chainId);
    expect(auctionBidDigest(bid, chainId, v.entryPoint)).toBe(v.expected.digest);
    const searcher = new SigningKey(v.searcherKey);
    const auctioneer = new SigningKey(v.auctioneerKey);
    expect(computeAddress(searcher.publicKey)).toBe(v.bid.sender);
    expect(computeAddress(auctioneer.publicKey)).toBe(v.auctioneer);
    expect(hashMessage(getBytes(v.expected.searcherSig))).toBe(v.expected.ethSignedSearcherSig);
    expect(signAuctionBid(bid, chainId, v.entryPoint, searcher, auctioneer)).toEqual({
      searcherSig: v.expected.searcherSig,
      auctioneerSig: v.expected.auctioneerSig,
    });
  });
});

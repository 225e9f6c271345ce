/**
 * Reads a signed Kaia TxHashRLP back into its fields with ethers' RLP decoder (not ours), so
 * tests can check what a test case sent, and re-sign it to compare bytes.
 */
import { decodeRlp, getAddress, keccak256, recoverAddress, Signature } from 'ethers';

import type { KaiaTxFields } from '../../src/chain/kaia/tx-encoding.js';
import { kaiaFeePayerSigRlp, kaiaSigRlp } from '../../src/chain/kaia/tx-encoding.js';
import { kaiaTxTypeInfo } from '../../src/chain/kaia/tx-types.js';

export interface DecodedKaiaTx {
  readonly fields: KaiaTxFields & { readonly from: string };
  /** Address recovered from the sender's signature. */
  readonly signer: string;
  /** Fee-delegated types: the fee payer named in the transaction and the one who signed. */
  readonly feePayer?: string;
  readonly feePayerSigner?: string;
}

const int = (item: unknown): bigint => (item === '0x' ? 0n : BigInt(item as string));

export function decodeKaiaTx(raw: string): DecodedKaiaTx {
  const type = Number.parseInt(raw.slice(2, 4), 16);
  const info = kaiaTxTypeInfo(type);
  const items = decodeRlp(`0x${raw.slice(4)}`) as unknown[];
  const [nonce, gasPrice, gas] = items.slice(0, 3).map(int) as [bigint, bigint, bigint];
  const fields: Record<string, unknown> = { type, nonce, gasPrice, gas };
  info.layout.forEach((name, i) => {
    const item = items[3 + i] as string;
    switch (name) {
      case 'to':
        fields.to = item === '0x' ? null : getAddress(item);
        break;
      case 'from':
        fields.from = getAddress(item);
        break;
      case 'value':
        fields.value = int(item);
        break;
      case 'data':
      case 'key':
        fields[name] = item;
        break;
      case 'humanReadable':
        fields.humanReadable = item === '0x01';
        break;
      case 'codeFormat':
      case 'feeRatio':
        fields[name] = Number(int(item));
        break;
    }
  });
  const rest = items.slice(3 + info.layout.length);
  const [v, r, s] = (rest[0] as string[][])[0]!;
  const chainId = (int(v) - 35n) / 2n;
  fields.chainId = chainId;
  const typed = fields as unknown as KaiaTxFields & { from: string };
  const signer = recover(keccak256(kaiaSigRlp(typed)), v!, r!, s!, chainId);
  if (!info.feeDelegated) return { fields: typed, signer };
  const feePayer = getAddress(rest[1] as string);
  const [fv, fr, fs] = (rest[2] as string[][])[0]!;
  const feePayerSigner = recover(keccak256(kaiaFeePayerSigRlp(typed, feePayer)), fv!, fr!, fs!, chainId);
  return { fields: typed, signer, feePayer, feePayerSigner };
}

function recover(digest: string, v: string, r: string, s: string, chainId: bigint): string {
  const yParity = Number(int(v) - 35n - chainId * 2n);
  return recoverAddress(digest, Signature.from({ r: pad32(r), s: pad32(s), yParity: yParity as 0 | 1 }));
}

function pad32(hex: string): string {
  return `0x${hex.slice(2).padStart(64, '0')}`;
}

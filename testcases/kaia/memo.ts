/**
 * Memos of the ValueTransferMemo test cases: the Go load testers' small (200 bytes) and large
 * (2,000 bytes) memos of random letters and digits. Random, so no two transactions share
 * bytes; letters and digits only, so every byte is non-zero and the gas of a size is fixed.
 */
import { randomBytes } from 'node:crypto';

import { MEMO_SIZES, type MemoSize, type TxSettings } from '../../src/chain/tx-session.js';

export const MEMO_BYTES: Readonly<Record<MemoSize, number>> = { small: 200, large: 2_000 };

export const DEFAULT_MEMO_SIZE: MemoSize = 'small';

const ALPHABET = Buffer.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');

export function isMemoSize(value: unknown): value is MemoSize {
  return typeof value === 'string' && (MEMO_SIZES as readonly string[]).includes(value);
}

/**
 * --memo-size from the settings (TxSettings.memoSize), 'small' when the settings do not carry
 * one. A value that is there but not a size is a mistake worth one line, not a silent default.
 */
export function memoSizeOf(settings: TxSettings): MemoSize {
  const { memoSize } = settings;
  if (memoSize === undefined) return DEFAULT_MEMO_SIZE;
  if (!isMemoSize(memoSize)) throw new Error(`--memo-size: expected one of ${MEMO_SIZES.join(', ')}, got ${JSON.stringify(memoSize)}`);
  return memoSize;
}

/** `bytes` random letters and digits as 0x-hex (the modulo's slight bias does not matter here). */
export function randomMemo(bytes: number): string {
  const memo = randomBytes(bytes);
  for (let i = 0; i < memo.length; i++) memo[i] = ALPHABET[memo[i]! % ALPHABET.length]!;
  return `0x${memo.toString('hex')}`;
}

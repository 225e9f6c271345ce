/**
 * Test accounts derived from the rich key and a seed, so the same command finds the same
 * accounts (and their funds) again, and two seeds never share an account.
 */
import type { SigningKey } from 'ethers/crypto';
import { computeAddress } from 'ethers/transaction';
import { concat, getBytes, toUtf8Bytes } from 'ethers/utils';

import { keccak256Hex } from './encoding/keccak.js';
import { isValidScalar, PrivateKey } from './keys.js';

/** The --account-seed default. */
export const DEFAULT_ACCOUNT_SEED = 'klayworker';

/** Keeps these hashes apart from any other use of keccak256(rich key ‖ ...). */
const DOMAIN = toUtf8Bytes('klayworker/test-account/v1');
/** The accounts whose node signs for them (--node-signed-accounts): a sequence of their own, never one of --accounts. */
const NODE_SIGNED_DOMAIN = toUtf8Bytes('klayworker/node-signed-account/v1');

export interface TestAccount {
  /** Position in the derivation, 0-based. */
  readonly index: number;
  /** Checksummed address. */
  readonly address: string;
  /** The key that signs this account's transactions (ethers keeps it private). */
  readonly signer: SigningKey;
}

/**
 * keccak256(domain ‖ rich key ‖ seed ‖ uint32be(index)), rehashed in the (about 2^-128)
 * case that the result is not a valid secp256k1 key. The rich key has a fixed length and
 * the index is last and fixed-width, so different (seed, index) pairs never share an input.
 */
export function deriveAccountKey(rich: PrivateKey, seed: string, index: number, domain: Uint8Array = DOMAIN): PrivateKey {
  if (!Number.isSafeInteger(index) || index < 0 || index > 0xffffffff) {
    throw new RangeError(`account index must be an integer from 0 to 2^32-1, got ${index}`);
  }
  const indexBytes = new Uint8Array(4);
  new DataView(indexBytes.buffer).setUint32(0, index);
  let hash = keccak256Hex(getBytes(concat([domain, rich.reveal(), toUtf8Bytes(seed), indexBytes])));
  while (!isValidScalar(BigInt(hash))) hash = keccak256Hex(getBytes(hash));
  return PrivateKey.fromValidatedHex(hash);
}

/** The address and signer of one key (e.g. the rich key). */
export function signerAccount(key: PrivateKey): { readonly address: string; readonly signer: SigningKey } {
  const signer = key.signingKey();
  return { address: computeAddress(signer.publicKey), signer };
}

/** The first `count` test accounts of `seed`. */
export function deriveTestAccounts(rich: PrivateKey, seed: string, count: number, domain: Uint8Array = DOMAIN): TestAccount[] {
  const accounts: TestAccount[] = [];
  for (let index = 0; index < count; index++) {
    accounts.push({ index, ...signerAccount(deriveAccountKey(rich, seed, index, domain)) });
  }
  return accounts;
}

/** The first `count` accounts of `seed` whose node signs for them (apart from the test accounts). */
export function deriveNodeSignedAccounts(rich: PrivateKey, seed: string, count: number): TestAccount[] {
  return deriveTestAccounts(rich, seed, count, NODE_SIGNED_DOMAIN);
}

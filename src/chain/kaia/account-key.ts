/**
 * Kaia account keys in the RLP form an AccountUpdate transaction carries (`key` field):
 * the key type byte followed by the RLP of the key (docs.kaia.io, "Accounts").
 */
import { SigningKey } from 'ethers/crypto';
import { encodeRlp } from 'ethers/utils';

/** AccountKeyLegacy: the address is derived from the signing key, as on Ethereum. */
export const ACCOUNT_KEY_LEGACY = '0x01c0';

const PUBLIC_KEY = /^0x(?:0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/;

/** The type byte that starts each encoded account key (AccountKeyNil, 0x80, only nests in role-based keys). */
export const AccountKeyType = {
  Legacy: 0x01,
  Public: 0x02,
  Fail: 0x03,
  WeightedMultiSig: 0x04,
  RoleBased: 0x05,
} as const;

/**
 * AccountKeyPublic for one secp256k1 public key (compressed or not, 0x-prefixed): the account
 * then accepts signatures of that key only, whatever its address.
 */
export function accountKeyPublic(publicKey: string): string {
  const problem = 'accountKeyPublic needs a secp256k1 public key (33 or 65 bytes hex)';
  // computePublicKey would also take a 32-byte private key; a public key is asked for here.
  if (!PUBLIC_KEY.test(publicKey)) throw new TypeError(problem);
  let compressed: string;
  try {
    compressed = SigningKey.computePublicKey(publicKey, true);
  } catch {
    throw new TypeError(problem);
  }
  return `0x02${encodeRlp(compressed).slice(2)}`;
}

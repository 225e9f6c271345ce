/**
 * Signing any Ethereum transaction our contract and typed-transaction test cases send: legacy
 * (type 0), access list (type 1, EIP-2930) or dynamic fee (type 2, EIP-1559), to a contract or
 * creating one. The fee fields come from the shared fee oracle whatever the type, so a test
 * case that fixes its type still follows the chain's current price. The one RLP encoder
 * encodes (encoding/eth-tx-rlp.ts), the one keccak hashes, the one ECDSA signer signs
 * (ecdsa.ts: native when it loads).
 */
import type { SigningKey } from 'ethers/crypto';

import { type FeeQuote, maxPricePerGas } from '../chain-context.js';
import { type AccessListEntry, encodeSignedEthTx, encodeUnsignedEthTx, type EthTxFields, type EthTxType } from '../encoding/eth-tx-rlp.js';
import { hashHex, keccak256 } from '../encoding/keccak.js';
import type { RpcNamespace } from '../rpc-namespace.js';
import { defaultEcdsaSigner } from './ecdsa.js';
import type { SignedTx } from './sign-transfer.js';

export type { AccessListEntry, EthTxType } from '../encoding/eth-tx-rlp.js';

/** A transaction as the test cases give it: the encoded fields, but the fee as the oracle quotes it. */
export interface EthTx extends Omit<EthTxFields, 'gasPrice' | 'maxFeePerGas' | 'maxPriorityFeePerGas' | 'accessList'> {
  readonly fee: FeeQuote;
  /** Type 1 and 2 only. */
  readonly accessList?: readonly AccessListEntry[];
}

/** EIP-2930 intrinsic gas per listed address and per listed storage key. */
const ACCESS_LIST_ADDRESS_GAS = 2_400n;
const ACCESS_LIST_KEY_GAS = 1_900n;

/** The gas an access list adds to a transaction's intrinsic cost. Pure. */
export function accessListGas(list: readonly AccessListEntry[]): bigint {
  let gas = 0n;
  for (const entry of list) gas += ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_KEY_GAS * BigInt(entry.storageKeys.length);
  return gas;
}

/** The type that --tx-type asks for: 2 when the oracle quotes 1559 fees, else legacy. */
export function txTypeForFee(fee: FeeQuote): EthTxType {
  return fee.type === '1559' ? 2 : 0;
}

/**
 * Signs `tx`. Types 0 and 1 pay the most the quote allows per gas (a 1559 quote's fee cap:
 * it stays valid while the base fee rises); type 2 takes a 1559 quote as it is, or a legacy
 * price as both cap and tip.
 */
export function signEthTx(signer: SigningKey, tx: EthTx): SignedTx {
  const { fee } = tx;
  const fields: EthTxFields = {
    ...tx,
    gasPrice: maxPricePerGas(fee),
    maxFeePerGas: fee.type === '1559' ? fee.maxFeePerGas : fee.gasPrice,
    maxPriorityFeePerGas: fee.type === '1559' ? fee.maxPriorityFeePerGas : fee.gasPrice,
    accessList: tx.accessList ?? [],
  };
  if (!Number.isSafeInteger(tx.nonce) || tx.nonce < 0) throw new RangeError(`invalid nonce ${tx.nonce}`);
  const signature = defaultEcdsaSigner().sign(signer, keccak256(encodeUnsignedEthTx(fields)));
  const raw = encodeSignedEthTx(fields, signature);
  const digest = keccak256(raw);
  return { raw: `0x${raw.toString('hex')}`, hash: hashHex(digest), digest };
}

/** Kaia's envelope byte for Ethereum typed transactions. */
const KAIA_ETH_ENVELOPE = '78';

/**
 * The bytes to send through `namespace`. Kaia's eth_sendRawTransaction wraps a typed
 * Ethereum transaction in its 0x78 envelope itself; kaia_ and klay_ decode Kaia's own
 * encoding, so the envelope must already be there. Legacy transactions need none. The hash
 * stays the Ethereum one, which is what Kaia reports for these types.
 */
export function rawForNamespace(signed: SignedTx, namespace: RpcNamespace): SignedTx {
  if (namespace === 'eth') return signed;
  const first = parseInt(signed.raw.slice(2, 4), 16);
  // A legacy transaction is an RLP list (first byte >= 0xc0); typed ones start with 0x01..0x7e.
  if (!(first > 0 && first < 0x7f)) return signed;
  return { raw: `0x${KAIA_ETH_ENVELOPE}${signed.raw.slice(2)}`, hash: signed.hash };
}

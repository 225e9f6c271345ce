/**
 * The RLP of Ethereum transactions of every type our test cases send: legacy with EIP-155
 * (type 0), access list (type 1, EIP-2930) and dynamic fee (type 2, EIP-1559), with the one
 * RLP encoder (rlp.ts). Value transfers have their own templates (transfer-rlp.ts): they are
 * the hot path, and only their nonce, recipient and value change.
 */
import type { RecoverableSignature } from '../signing/ecdsa.js';
import { encodeBytes, encodeList, encodeSignedList, RLP_EMPTY, rlpAddress, rlpUint } from './rlp.js';

export type EthTxType = 0 | 1 | 2;

/** One EIP-2930 access list entry: an address and the storage keys it will touch. */
export interface AccessListEntry {
  readonly address: string;
  readonly storageKeys: readonly string[];
}

/** A transaction's fields, its fees resolved for its type. */
export interface EthTxFields {
  readonly type: EthTxType;
  readonly chainId: bigint;
  readonly nonce: number;
  /** null creates a contract from `data`. */
  readonly to: string | null;
  /** 0x hex */
  readonly data: string;
  readonly value: bigint;
  readonly gasLimit: bigint;
  /** Types 0 and 1. */
  readonly gasPrice: bigint;
  /** Type 2. */
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** Types 1 and 2. */
  readonly accessList: readonly AccessListEntry[];
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const STORAGE_KEY = /^0x[0-9a-fA-F]{64}$/;

/** The bytes whose keccak256 the sender signs. */
export function encodeUnsignedEthTx(tx: EthTxFields): Buffer {
  const fields = payload(tx);
  if (tx.type === 0) return encodeList([...fields, rlpUint(tx.chainId), RLP_EMPTY, RLP_EMPTY]);
  return encodeList(fields, tx.type);
}

/** The signed transaction as sent with eth_sendRawTransaction. */
export function encodeSignedEthTx(tx: EthTxFields, signature: RecoverableSignature): Buffer {
  const { r, s } = signature;
  // EIP-155 folds the chain id into v; typed transactions carry the y parity alone.
  if (tx.type === 0) return encodeSignedList([...payload(tx), rlpUint(tx.chainId * 2n + 35n + BigInt(signature.recid))], r, s);
  return encodeSignedList([...payload(tx), rlpUint(signature.recid)], r, s, tx.type);
}

/** The fields of `tx`'s type in their order, before the signature. */
function payload(tx: EthTxFields): Uint8Array[] {
  const to = tx.to === null ? RLP_EMPTY : rlpAddress(addressBytes(tx.to, 'to'));
  if (!HEX.test(tx.data)) throw new TypeError(`invalid transaction data ${JSON.stringify(tx.data.slice(0, 20))}: not 0x hex`);
  const data = encodeBytes(Buffer.from(tx.data.slice(2), 'hex'));
  const [nonce, gasLimit, value] = [rlpUint(tx.nonce), rlpUint(tx.gasLimit), rlpUint(tx.value)];
  switch (tx.type) {
    case 0:
      return [nonce, rlpUint(tx.gasPrice), gasLimit, to, value, data];
    case 1:
      return [rlpUint(tx.chainId), nonce, rlpUint(tx.gasPrice), gasLimit, to, value, data, accessList(tx.accessList)];
    case 2:
      return [rlpUint(tx.chainId), nonce, rlpUint(tx.maxPriorityFeePerGas), rlpUint(tx.maxFeePerGas), gasLimit, to, value, data, accessList(tx.accessList)];
  }
}

function accessList(list: readonly AccessListEntry[]): Buffer {
  return encodeList(
    list.map((entry) =>
      encodeList([
        rlpAddress(addressBytes(entry.address, 'access list address')),
        encodeList(
          entry.storageKeys.map((key) => {
            if (!STORAGE_KEY.test(key)) throw new TypeError(`invalid access list storage key ${JSON.stringify(key)}: not 32 bytes of 0x hex`);
            return encodeBytes(Buffer.from(key.slice(2), 'hex'));
          }),
        ),
      ]),
    ),
  );
}

function addressBytes(address: string, what: string): Buffer {
  if (!ADDRESS.test(address)) throw new TypeError(`invalid ${what} address ${JSON.stringify(address)}`);
  return Buffer.from(address.slice(2), 'hex');
}

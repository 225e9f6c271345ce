/** Balance and nonce reads for setup steps (funding, refund, resync), always via eth_*. */
import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { parseQuantity, parseSmallQuantity } from './quantity.js';

export type BlockTag = 'latest' | 'pending' | `0x${string}`;

export async function readBalance(rpc: JsonRpcClient, address: string, block: BlockTag = 'latest'): Promise<bigint> {
  return parseQuantity((await rpc.call('eth_getBalance', [address, block])).result, 'eth_getBalance result');
}

/** The transaction count: 'pending' includes the pool's consecutive transactions, 'latest' only mined ones. */
export async function readNonce(rpc: JsonRpcClient, address: string, block: 'latest' | 'pending'): Promise<number> {
  return parseSmallQuantity((await rpc.call('eth_getTransactionCount', [address, block])).result, 'eth_getTransactionCount result');
}

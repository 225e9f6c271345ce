/**
 * Access lists for type-1 transactions: the node's own answer (eth_createAccessList) where
 * it has the method, else empty lists; which one is decided once, at setup. The node's lists
 * are asked for once per key (the caller's choice: request kind and sender) and reused, so
 * the measured load stays the sends, not list building.
 */
import type { AccessList } from 'ethers/transaction';
import type { Logger } from 'pino';

import { isMissingMethod } from '../../src/chain/chain-context.js';
import { type CallArgs, callObject } from '../../src/chain/gas-limit.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { errorMessage } from '../../src/util/errors.js';

export interface AccessListSource {
  /** 'node': lists from eth_createAccessList; 'empty': the node lacks it. */
  readonly kind: 'node' | 'empty';
  /** The list for `args`; the node is asked on the first request for `key` only (a failure is not kept). */
  get(key: string, args: CallArgs): Promise<AccessList>;
}

const EMPTY: AccessList = Object.freeze([]) as unknown as AccessList;

/** Asks the node for the list of `probe`; "method not found" means empty lists from now on. */
export async function chooseAccessListSource(rpc: JsonRpcClient, probe: CallArgs, log: Logger): Promise<AccessListSource> {
  try {
    await createAccessList(rpc, probe);
  } catch (err) {
    if (!isMissingMethod(err)) throw new Error(`eth_createAccessList failed at setup: ${errorMessage(err)}`, { cause: err });
    log.info('the node has no eth_createAccessList: type-1 transactions carry empty access lists');
    return { kind: 'empty', get: () => Promise.resolve(EMPTY) };
  }
  const cache = new Map<string, Promise<AccessList>>();
  return {
    kind: 'node',
    get(key, args) {
      let list = cache.get(key);
      if (list === undefined) {
        list = createAccessList(rpc, args);
        cache.set(key, list);
        list.catch(() => cache.delete(key));
      }
      return list;
    },
  };
}

/** eth_createAccessList of `args`, validated; rejects when the node says the call would fail. */
export async function createAccessList(rpc: JsonRpcClient, args: CallArgs): Promise<AccessList> {
  const { result } = await rpc.call('eth_createAccessList', [callObject(args), 'latest']);
  const r = result as { accessList?: unknown; error?: unknown } | null;
  if (typeof r?.error === 'string' && r.error !== '') throw new Error(`eth_createAccessList: the call would fail: ${r.error}`);
  if (!isAccessList(r?.accessList)) throw new Error('invalid eth_createAccessList result: no access list');
  return r.accessList;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const KEY = /^0x[0-9a-fA-F]{64}$/;

function isAccessList(value: unknown): value is AccessList {
  return (
    Array.isArray(value) &&
    value.every((entry: unknown) => {
      const e = entry as { address?: unknown; storageKeys?: unknown } | null;
      return (
        typeof e?.address === 'string' &&
        ADDRESS.test(e.address) &&
        Array.isArray(e.storageKeys) &&
        e.storageKeys.every((k) => typeof k === 'string' && KEY.test(k))
      );
    })
  );
}

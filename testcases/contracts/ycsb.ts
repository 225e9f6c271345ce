/**
 * ycsb, ycsbSet, ycsbGet: BlockBench's YCSB as the Go tools ran it (their ycsbTx, ycsbSetTx,
 * ycsbGetTx): KvStore.set("user<n>", "val<random>") in a transaction, or KvStore.get("user<n>")
 * with eth_call, n random below 100,000 (YCSB_MAX_NUM_KEYS' default; the variable is not read
 * here). Success: a set accepted by the node, a get answering with a valid string.
 */
import { randomBytes } from 'node:crypto';

import { Interface } from 'ethers/abi';

import type { TestCase } from '../../src/api/test-case.js';
import { loadArtifact } from './artifacts.js';
import { contractOpsTestCases, numbered } from './contract-ops.js';

const KV_STORE = new Interface(loadArtifact('KvStore').abi);
const KEYS = 100_000;

const key = (): string => numbered('user', KEYS);
/** "val" and a random 63-bit number, as Go's rand.Int() gave: at most 22 characters, one storage slot. */
const value = (): string => `val${randomBytes(8).readBigUInt64BE() >> 1n}`;

export const ycsbTestCases: readonly TestCase[] = contractOpsTestCases({
  contract: 'KvStore',
  abi: KV_STORE,
  name: 'ycsb',
  alias: 'ycsbTx',
  description: `KvStore: set (a transaction) or get (eth_call), at random, of a key "user<n>" (n < ${KEYS}); success = accepted, or a valid string`,
  ops: [
    {
      name: 'ycsbSet',
      alias: 'ycsbSetTx',
      description: `KvStore.set("user<n>", "val<random>"), n < ${KEYS} (~28-46k gas); success = accepted by the node`,
      kind: 'send',
      fn: 'set',
      calldata: () => KV_STORE.encodeFunctionData('set', [key(), value()]),
      // A key outside the workload's range is never set: the costliest write, with the longest value.
      costliest: () => KV_STORE.encodeFunctionData('set', [numbered('user', KEYS) + String(KEYS), `val${2n ** 63n - 1n}`]),
    },
    {
      name: 'ycsbGet',
      alias: 'ycsbGetTx',
      description: `KvStore.get("user<n>") with eth_call, n < ${KEYS}; success = a valid ABI string`,
      kind: 'read',
      fn: 'get',
      calldata: () => KV_STORE.encodeFunctionData('get', [key()]),
    },
  ],
});

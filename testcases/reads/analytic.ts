/**
 * analytic and its three queries: BlockBench's Analytic as the Go tools ran it (analyticTx,
 * analyticQueryTotalTxValTx, analyticQueryLargestTxValTx, analyticQueryLargestAccBalTx), reads
 * over the latest BLOCKS blocks:
 * - analyticTotalTxValue: the sum of the values of their transactions (each block read whole,
 *   `eth_getBlockByNumber(n, true)`);
 * - analyticLargestTxValue: the largest of those values;
 * - analyticLargestBalance: the largest balance one address (of getBalance's set) had at any of
 *   them (`eth_getBalance(address, n)`: recent history, which every full node keeps).
 * The mix runs one query at random. A query is one request, timed over all its reads, recorded
 * under the method it calls; it fails on the first read that fails or answers nonsense.
 * Unlike the Go tools: a chain younger than BLOCKS blocks is read back to its genesis instead of
 * failing, the latest block counts once (they read it twice), and values are whole numbers of
 * any size (they compared them as uint64, truncating balances above 2^64 wei).
 */
import type { Logger } from 'pino';

import { defineTestCase, type TestCase, type TestCaseContext } from '../../src/api/test-case.js';
import { toHexQuantity } from '../../src/chain/encoding/hex.js';
import { parseQuantity, parseSmallQuantity } from '../../src/chain/quantity.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import type { User } from '../../src/runner/task.js';
import { errorMessage } from '../../src/util/errors.js';
import { DEV_ADDRESSES } from './get-balance.js';

/** Blocks a query covers, as in the Go tools. */
export const BLOCKS = 30;

type Query = 'totalTxValue' | 'largestTxValue' | 'largestBalance';

interface QueryReads {
  rpc: JsonRpcClient;
  log: Logger;
  /** The measured namespace: eth, kaia or klay. */
  ns: string;
  addresses: readonly string[];
}

/** What one query found (logged at debug level, as the Go tools printed it) and the bytes the node sent for it. */
interface Answer {
  value: bigint;
  bytes: number;
}

/** The method a query calls BLOCKS times: its request type. */
function methodOf(ns: string, query: Query): string {
  return query === 'largestBalance' ? `${ns}_getBalance` : `${ns}_getBlockByNumber`;
}

/** The transactions' values of a full block; throws one line when it is not one. */
function transactionValues(method: string, block: unknown, number: number | null): { number: number; values: bigint[] } {
  if (block === null || typeof block !== 'object') throw new Error(`${method}: no such block (null result)`);
  const b = block as { number?: unknown; transactions?: unknown };
  const at = parseSmallQuantity(b.number, `${method} block number`);
  if (number !== null && at !== number) throw new Error(`${method} returned a different block than the one asked for`);
  if (!Array.isArray(b.transactions)) throw new Error(`invalid ${method} result: no transaction list`);
  const values = b.transactions.map((t: unknown) => {
    if (t === null || typeof t !== 'object') throw new Error(`invalid ${method} result: transaction hashes, not whole transactions`);
    return parseQuantity((t as { value?: unknown }).value, `${method} transaction value`);
  });
  return { number: at, values };
}

/** The sum or the largest of the transaction values in the latest BLOCKS blocks. */
async function transactionQuery(reads: QueryReads, largest: boolean): Promise<Answer> {
  const method = `${reads.ns}_getBlockByNumber`;
  const first = await reads.rpc.call(method, ['latest', true]);
  let bytes = first.bytes;
  const latest = transactionValues(method, first.result, null);
  const fold = (acc: bigint, v: bigint): bigint => (largest ? (v > acc ? v : acc) : acc + v);
  let value = latest.values.reduce(fold, 0n);
  for (let n = latest.number - 1; n > latest.number - BLOCKS && n >= 0; n--) {
    const read = await reads.rpc.call(method, [toHexQuantity(n), true]);
    bytes += read.bytes;
    value = transactionValues(method, read.result, n).values.reduce(fold, value);
  }
  return { value, bytes };
}

/** The largest balance a random address of the set had at any of the latest BLOCKS blocks. */
async function balanceQuery(reads: QueryReads): Promise<Answer> {
  const address = reads.addresses[Math.floor(Math.random() * reads.addresses.length)]!;
  const head = await reads.rpc.call(`${reads.ns}_blockNumber`, []);
  const number = parseSmallQuantity(head.result, `${reads.ns}_blockNumber result`);
  const method = `${reads.ns}_getBalance`;
  let bytes = head.bytes;
  let value = 0n;
  for (let n = number; n > number - BLOCKS && n >= 0; n--) {
    const read = await reads.rpc.call(method, [address, toHexQuantity(n)]);
    bytes += read.bytes;
    const balance = parseQuantity(read.result, `${method} result`);
    if (balance > value) value = balance;
  }
  return { value, bytes };
}

/** Runs `query` once, recorded as one request of `name` under the method it calls. */
async function runQuery(user: User, reads: QueryReads, name: string, query: Query): Promise<void> {
  const type = methodOf(reads.ns, query);
  const start = performance.now();
  try {
    const answer = query === 'largestBalance' ? await balanceQuery(reads) : await transactionQuery(reads, query === 'largestTxValue');
    user.recorder.success(type, name, performance.now() - start, answer.bytes);
    reads.log.debug({ testCase: name, query, value: answer.value.toString() }, 'analytic query');
  } catch (err) {
    user.recorder.failure(type, name, performance.now() - start, errorMessage(err));
  }
}

interface AnalyticSpec {
  name: string;
  alias: string;
  description: string;
  /** One of them at random each iteration. */
  queries: readonly Query[];
}

const SPECS: readonly AnalyticSpec[] = [
  {
    name: 'analytic',
    alias: 'analyticTx',
    description: `one of the three analytic queries at random over the latest ${BLOCKS} blocks (whole blocks or historical balances); success = every read valid`,
    queries: ['totalTxValue', 'largestTxValue', 'largestBalance'],
  },
  {
    name: 'analyticTotalTxValue',
    alias: 'analyticQueryTotalTxValTx',
    description: `the sum of the transaction values of the latest ${BLOCKS} blocks, read whole; success = every block valid`,
    queries: ['totalTxValue'],
  },
  {
    name: 'analyticLargestTxValue',
    alias: 'analyticQueryLargestTxValTx',
    description: `the largest transaction value of the latest ${BLOCKS} blocks, read whole; success = every block valid`,
    queries: ['largestTxValue'],
  },
  {
    name: 'analyticLargestBalance',
    alias: 'analyticQueryLargestAccBalTx',
    description: `the largest balance of an address (getBalance's set) at each of the latest ${BLOCKS} blocks; success = every balance valid`,
    queries: ['largestBalance'],
  },
];

/** The analytic test cases; the balance query reads one of `addresses` at random. */
export function createAnalyticTestCases(addresses: readonly string[]): TestCase[] {
  return SPECS.map((spec) =>
    defineTestCase({
      name: spec.name,
      aliases: [spec.alias],
      description: spec.description,
      setup(ctx: TestCaseContext) {
        if (addresses.length === 0) return Promise.reject(new Error(`${spec.name}: no addresses to read`));
        const reads: QueryReads = { rpc: ctx.rpc, log: ctx.log, ns: ctx.namespace, addresses };
        return Promise.resolve({
          run: (user: User) => runQuery(user, reads, spec.name, spec.queries[Math.floor(Math.random() * spec.queries.length)]!),
        });
      },
    }),
  );
}

export const analyticTestCases: readonly TestCase[] = createAnalyticTestCases(DEV_ADDRESSES);

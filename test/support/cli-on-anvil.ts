/**
 * One anvil per test file for the test cases run through the built CLI (`node
 * dist/src/cli/main.js`, build first), and the reads that check what the chain then holds.
 * Split over several files so that the pool runs them side by side, each with its own node.
 */
import { join } from 'node:path';

import { KEY_ENV } from '../../src/chain/keys.js';
import { type DevChainFixture, useDevChain } from './dev-chain-fixture.js';
import { CLI, startProcess } from './processes.js';
import { accountsOf, drainedNonces, readSummary, tempDir } from './test-accounts.js';

const RUN_DEADLINE_MS = 120_000;
export const ACCOUNTS = 10;
export const SEND = 'eth_sendRawTransaction';

/** The file's anvil and a client of it (useDevChain's), set by useAnvil. */
export let anvil: DevChainFixture;

/** Starts the file's anvil before its tests and stops it (and every process a test started) after. */
export function useAnvil(): void {
  anvil = useDevChain();
}

export async function call(method: string, params: readonly unknown[]): Promise<unknown> {
  return (await anvil.rpc.call(method, params)).result;
}

export async function head(): Promise<number> {
  return Number(await call('eth_blockNumber', []));
}

/** `-u 4 -r 10 -t 4s --tc <tc>` standalone against the shared anvil, the rich key in the environment. */
export async function runCli(tc: string, seed: string, extra: readonly string[] = []) {
  const json = join(tempDir(), 'summary.json');
  const args = [
    CLI,
    '--standalone',
    '--endpoint',
    anvil.chain.url,
    '-u',
    '4',
    '-r',
    '10',
    '-t',
    '4s',
    '--tc',
    tc,
    '--json',
    json,
    '--accounts',
    String(ACCOUNTS),
    '--account-seed',
    seed,
    ...extra,
  ];
  const proc = startProcess(process.execPath, args, { env: { [KEY_ENV]: anvil.chain.richKey } });
  const code = await proc.exited(RUN_DEADLINE_MS);
  return { code, output: proc.output(), summary: readSummary(json) };
}

export interface ChainTx {
  hash: string;
  from: string;
  to: string | null;
  input: string;
  type: string;
  accessList?: { address: string; storageKeys: string[] }[];
}

export interface ChainReceipt {
  status: string;
  type: string;
  to: string | null;
  contractAddress: string | null;
}

/** Every transaction the `count` test accounts of `seed` sent in blocks after `from`, once none is pending, with its receipt. */
export async function sentBy(seed: string, from: number, count = ACCOUNTS): Promise<{ tx: ChainTx; receipt: ChainReceipt }[]> {
  const addresses = accountsOf(anvil.chain.richKey, seed, count).map((a) => a.address);
  await drainedNonces(anvil.rpc, addresses, 60_000);
  const senders = new Set(addresses.map((a) => a.toLowerCase()));
  const found: { tx: ChainTx; receipt: ChainReceipt }[] = [];
  for (let n = from + 1; n <= (await head()); n++) {
    const block = (await call('eth_getBlockByNumber', [`0x${n.toString(16)}`, true])) as { transactions: ChainTx[] };
    for (const tx of block.transactions) {
      if (!senders.has(tx.from.toLowerCase())) continue;
      found.push({ tx, receipt: (await call('eth_getTransactionReceipt', [tx.hash])) as ChainReceipt });
    }
  }
  return found;
}

export async function code(address: string): Promise<string> {
  return (await call('eth_getCode', [address, 'latest'])) as string;
}

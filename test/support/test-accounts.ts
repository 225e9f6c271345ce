/**
 * Helpers for tests that run transaction test cases against anvil: a key file, the derived
 * test accounts, their nonces once the pool has drained, and the worker's --json summary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readBalance, readNonce } from '../../src/chain/account-state.js';
import { deriveTestAccounts, type TestAccount } from '../../src/chain/accounts.js';
import { PrivateKey } from '../../src/chain/keys.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { eventually } from './processes.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'klayworker-tx-'));
}

/** Writes `key` to a 0600 file and returns its path. */
export function writeKeyFile(key: string, dir = tempDir()): string {
  const file = join(dir, 'rich.key');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return file;
}

export function accountsOf(richKey: string, seed: string, count: number): TestAccount[] {
  return deriveTestAccounts(PrivateKey.parse(richKey, 'test'), seed, count);
}

/** Mined nonces of `addresses`, read once no account has a transaction left in the pool. */
export async function drainedNonces(rpc: JsonRpcClient, addresses: readonly string[], timeoutMs = 30_000): Promise<number[]> {
  return eventually(
    async () => {
      const latest = await Promise.all(addresses.map((a) => readNonce(rpc, a, 'latest')));
      const pending = await Promise.all(addresses.map((a) => readNonce(rpc, a, 'pending')));
      return latest.every((n, i) => n === pending[i]) ? latest : undefined;
    },
    timeoutMs,
    'the test accounts to have no pending transactions',
    250,
  );
}

/** The sum of `addresses`' mined nonces once their pool entries are gone (see drainedNonces). */
export async function nonceSum(rpc: JsonRpcClient, addresses: readonly string[]): Promise<number> {
  return sum(await drainedNonces(rpc, addresses, 60_000));
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export async function balances(rpc: JsonRpcClient, addresses: readonly string[]): Promise<bigint[]> {
  return Promise.all(addresses.map((a) => readBalance(rpc, a)));
}

export interface SummaryRow {
  type: string;
  name: string;
  requests: number;
  failures: number;
}

/** The process's transactions: accepted == mined + dropped + unresolved. */
export interface Transactions {
  accepted: number;
  mined: number;
  dropped: number;
  unresolved: number;
  resent: number;
}

export interface Summary {
  duration_s: number;
  total: SummaryRow;
  tasks: SummaryRow[];
  transactions: Transactions;
}

export function readSummary(file: string): Summary {
  return JSON.parse(readFileSync(file, 'utf8')) as Summary;
}

export function row(summary: Summary, type: string, name: string): SummaryRow | undefined {
  return summary.tasks.find((r) => r.type === type && r.name === name);
}

/**
 * The transactions a worker reports must add up, and (for a process that ran one test: its
 * rows are that test's, its counts the whole process's) its `mined` rows must say the same.
 */
export function expectConserved(summary: Summary, oneTest = true): Transactions {
  const t = summary.transactions;
  if (t.accepted !== t.mined + t.dropped + t.unresolved)
    throw new Error(`accepted ${t.accepted} != mined ${t.mined} + dropped ${t.dropped} + unresolved ${t.unresolved}`);
  if (!oneTest) return t;
  const rows = summary.tasks.filter((r) => r.type === 'mined');
  const successes = rows.reduce((n, r) => n + r.requests - r.failures, 0);
  const failures = rows.reduce((n, r) => n + r.failures, 0);
  if (successes !== t.mined || failures !== t.dropped)
    throw new Error(`mined rows say ${successes} mined and ${failures} dropped, the counts ${t.mined} and ${t.dropped}`);
  return t;
}

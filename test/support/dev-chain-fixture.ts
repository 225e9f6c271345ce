/**
 * One embedded anvil (`--block-time 1`) per test file, a client for it and a key file for its
 * funded account; processes the tests start are killed after each test. Or the anvil alone.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';

import { type DevChain, startDevChain } from '../../src/app/dev-chain.js';
import { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { killStarted } from './processes.js';
import { writeKeyFile } from './test-accounts.js';

export interface DevChainFixture {
  readonly chain: DevChain;
  readonly rpc: JsonRpcClient;
  /** A 0600 file holding the chain's rich key. */
  readonly keyFile: string;
}

/** Registers the file's hooks; the fields are set once `beforeAll` has run. */
export function useDevChain(): DevChainFixture {
  const fixture = {} as { chain: DevChain; rpc: JsonRpcClient; keyFile: string };
  beforeAll(async () => {
    fixture.chain = await startDevChain({ blockTime: 1 });
    fixture.rpc = new JsonRpcClient(fixture.chain.url, { timeoutMs: 10_000 });
    fixture.keyFile = writeKeyFile(fixture.chain.richKey);
  });
  afterAll(async () => {
    await fixture.rpc?.close();
    await fixture.chain?.stop();
  });
  afterEach(() => killStarted());
  return fixture;
}

/**
 * The anvil alone (no client, no key file), started only when `needed` (an e2e file's tools may
 * be missing: then every test skips and a chain would be wasted); the field is set once
 * `beforeAll` has run.
 */
export function useBareDevChain(needed = true): { readonly chain: DevChain } {
  const fixture = {} as { chain: DevChain };
  beforeAll(async () => {
    if (needed) fixture.chain = await startDevChain({ blockTime: 1 });
  });
  afterAll(async () => {
    await fixture.chain?.stop();
  });
  afterEach(() => killStarted());
  return fixture;
}

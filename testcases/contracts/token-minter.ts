/**
 * Setting up the token test cases: a token contract deployed and batch-minted to every test
 * account by one of them, the "minter", leased from the nonce manager for the whole setup so
 * that nothing else sends from it meanwhile; its nonce is re-read from the node afterwards.
 *
 * Why not the rich key, which deploys the other contracts: minting is owner-only, the owner
 * is the deployer, and the rich key's deployer (ctx.contracts) can deploy but send nothing
 * else. The minter pays for deployment and minting out of its --charge; a charge too small
 * for that fails the setup with the node's "insufficient funds" and the minter's address.
 */
import type { Logger } from 'pino';

import type { TestAccount } from '../../src/chain/accounts.js';
import { createContractDeployer, createTransactionSender, type TransactionSender } from '../../src/chain/deploy.js';
import type { FundedAccounts } from '../../src/chain/tx-session.js';
import type { JsonRpcClient } from '../../src/rpc/json-rpc.js';
import { errorMessage } from '../../src/util/errors.js';
import { type ArtifactName, loadArtifact } from './artifacts.js';

export interface Minter {
  readonly account: TestAccount;
  /** One transaction at a time, each confirmed with status 1. */
  readonly sender: TransactionSender;
  /** Deploys `name` from the minter (which becomes its owner). */
  deploy(name: ArtifactName): Promise<string>;
}

export interface MinterOptions {
  rpc: JsonRpcClient;
  log: Logger;
  accounts: FundedAccounts;
  receiptTimeoutMs: number;
}

/** Runs `work` with a leased test account as the minter; errors name the minter. */
export async function withMinter<T>(options: MinterOptions, what: string, work: (minter: Minter) => Promise<T>): Promise<T> {
  const { rpc, log, accounts, receiptTimeoutMs } = options;
  const lease = await accounts.nonces.lease();
  if (lease === null) throw new Error(`${what}: no test account to mint from`);
  const account = lease.account;
  try {
    const sender = createTransactionSender({ rpc, signer: account.signer, receiptTimeoutMs });
    const deployer = createContractDeployer({ sender, log });
    return await work({ account, sender, deploy: (name) => deployer.deployContract(loadArtifact(name)) });
  } catch (err) {
    throw new Error(`${what} (minting from test account ${account.address}): ${errorMessage(err)}`, { cause: err });
  } finally {
    // The minter's transactions went around the nonce manager.
    lease.release('resync');
  }
}

/** `items` in slices of at most `size`, in order. Pure. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`chunk size must be an integer >= 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

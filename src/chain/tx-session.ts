/**
 * What the transaction test cases of one process share: the chain context, the funded test
 * accounts and their nonce manager. Each is prepared on first request and only once, so
 * two test cases that send transactions fund the accounts once and lease from one pool.
 */
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { readNonce } from './account-state.js';
import { deriveNodeSignedAccounts, deriveTestAccounts, signerAccount, type TestAccount } from './accounts.js';
import { type ChainContext, loadChainContext, type TxTypeChoice } from './chain-context.js';
import { fundAccounts } from './funding.js';
import type { InclusionTracker } from './inclusion/inclusion-tracker.js';
import { KEY_ENV, type PrivateKey } from './keys.js';
import { maxPendingWatch } from './max-pending-watch.js';
import { NonceManager } from './nonce-manager.js';
import type { RpcNamespace } from './rpc-namespace.js';
import { waitForNode } from './wait-for-node.js';

/** --memo-size values (the Kaia memo test cases: 200 or 2,000 bytes). */
export const MEMO_SIZES = ['small', 'large'] as const;

export type MemoSize = (typeof MEMO_SIZES)[number];

/** The transaction-related flags, validated. */
export interface TxSettings {
  txType: TxTypeChoice;
  /** Namespace of the measured send and read calls (setup always uses eth_*). */
  rpcNamespace: RpcNamespace;
  /** --accounts: derived and funded. */
  accounts: number;
  /** The first this many of them send (--active-percent of --accounts); default: all. */
  activeAccounts?: number;
  /** --account-seed */
  accountSeed: string;
  /** --charge, in wei */
  chargeWei: bigint;
  /** Longest wait for a receipt (test cases) or for funding progress (setup). */
  receiptTimeoutMs: number;
  /** --memo-size of the Kaia memo test cases (default small). */
  memoSize?: MemoSize;
  /** --max-pending: transactions per account waiting for the chain before it is held back; 0: no limit. */
  maxPending: number;
  /** --node-signed-accounts: the accounts the node signs for (derived apart from --accounts); default 5. */
  nodeSignedAccounts?: number;
}

/** --node-signed-accounts' default: the Go tools' -vuunsigned default. */
export const DEFAULT_NODE_SIGNED_ACCOUNTS = 5;

export interface FundedAccounts {
  /** The rich account's address (its key stays inside the session). */
  readonly richAddress: string;
  readonly list: readonly TestAccount[];
  readonly nonces: NonceManager<TestAccount>;
  /** Settles every transaction sent from these accounts against the chain. */
  readonly tracker: InclusionTracker;
}

export interface TxSession {
  readonly settings: TxSettings;
  /** The namespaced method name, e.g. method('sendRawTransaction') → "kaia_sendRawTransaction". */
  method(name: string): string;
  /** Chain id and fees, read once, after waiting for an unreachable node up to the connect timeout. */
  chain(): Promise<ChainContext>;
  /** Derives and funds the test accounts on the first call; later calls share the result. */
  accounts(): Promise<FundedAccounts>;
  /**
   * The --node-signed-accounts accounts, for test cases whose node signs: derived, handed to
   * `enable` (which makes the node able to sign for them, and throws if it cannot: that comes
   * before anything is funded), then funded with a nonce manager of their own. The first call
   * does it; later calls share the result.
   */
  nodeSignedAccounts(enable: (accounts: readonly TestAccount[]) => Promise<void>): Promise<FundedAccounts>;
}

export interface TxSessionOptions {
  rpc: JsonRpcClient;
  log: Logger;
  /** For messages about an unreachable node (only its host is shown). */
  endpoint: string;
  /** How long the first chain read retries an unreachable node (--connect-timeout). */
  connectTimeoutMs: number;
  settings: TxSettings;
  /** null: no key was given; test cases that need accounts then fail with advice. */
  richKey: PrivateKey | null;
  /** The process's inclusion tracker: started once the accounts are funded. */
  tracker: InclusionTracker;
}

export function createTxSession(options: TxSessionOptions): TxSession {
  const { rpc, log, settings, richKey, endpoint, connectTimeoutMs, tracker } = options;
  let chain: Promise<ChainContext> | undefined;
  let funded: Promise<FundedAccounts> | undefined;
  let nodeSigned: Promise<FundedAccounts> | undefined;
  const needKey = (): PrivateKey => {
    if (richKey === null) throw new Error(`the transaction test cases need a funded rich key: give --key-file PATH or ${KEY_ENV} (or --key)`);
    return richKey;
  };
  /**
   * Funds `all` from the rich key; `list` (those that send) then get leases. Setups run one at a
   * time, so the rich key's nonces never race. `accountsFlag` sets how many there are (named in
   * the warning when --max-pending holds their users back).
   */
  const fund = async (key: PrivateKey, all: readonly TestAccount[], list: readonly TestAccount[], accountsFlag: string): Promise<FundedAccounts> => {
    const context = await session.chain();
    const rich = signerAccount(key);
    await fundAccounts({ rpc, log, chain: context, rich, accounts: all, chargeWei: settings.chargeWei, stallTimeoutMs: settings.receiptTimeoutMs });
    const { maxPending } = settings;
    const nonces = new NonceManager(list, (address) => readNonce(rpc, address, 'pending'), { maxPending });
    if (maxPending > 0) {
      tracker.onBlock(
        maxPendingWatch({
          heldBackWaits: () => nonces.heldBackWaits,
          leftBehind: (height) => tracker.leftBehind(height),
          maxPending,
          accounts: list.length,
          accountsFlag,
          log,
        }),
      );
    }
    // From the head after funding: blocks before it hold nothing of the test's.
    await tracker.start();
    return { richAddress: rich.address, list, nonces, tracker };
  };
  const session: TxSession = {
    settings,
    method: (name) => `${settings.rpcNamespace}_${name}`,
    chain() {
      chain ??= waitForNode(rpc, { timeoutMs: connectTimeoutMs, endpoint, log })
        .then(() => loadChainContext(rpc, { txType: settings.txType, log }))
        .then((context) => {
          tracker.onBlock((block) => context.fees.observeBaseFee(block.baseFee));
          return context;
        });
      return chain;
    },
    accounts() {
      funded ??= (async () => {
        const key = needKey();
        await session.chain();
        const all = deriveTestAccounts(key, settings.accountSeed, settings.accounts);
        // Like the Go tools' -activepercent: every account is funded, only the first share sends (and receives).
        const list = all.slice(0, settings.activeAccounts ?? all.length);
        log.info({ accounts: all.length, active: list.length, seed: settings.accountSeed, first: list[0]?.address }, 'test accounts derived');
        return fund(key, all, list, '--accounts');
      })();
      return funded;
    },
    nodeSignedAccounts(enable) {
      nodeSigned ??= (async () => {
        const key = needKey();
        await session.chain();
        const all = deriveNodeSignedAccounts(key, settings.accountSeed, settings.nodeSignedAccounts ?? DEFAULT_NODE_SIGNED_ACCOUNTS);
        log.info({ accounts: all.length, seed: settings.accountSeed, first: all[0]?.address }, 'node-signed accounts derived');
        await enable(all);
        return fund(key, all, all, '--node-signed-accounts');
      })();
      return nodeSigned;
    },
  };
  return session;
}

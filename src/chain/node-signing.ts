/**
 * Transactions the node signs (`eth_sendTransaction`, the Go tools' "unsigned" transactions):
 * the node must hold the sending accounts, so it is made to before anything is funded, in the
 * first way it offers:
 *
 * - anvil (`anvil_impersonateAccount`): it sends from any address it is told to, no key needed;
 * - the personal API (`personal_importRawKey` + `personal_unlockAccount`: Kaia with `personal`
 *   among its RPC modules, geth before 1.14 with `--allow-insecure-unlock` over HTTP): each key
 *   is imported ("already exists" is an earlier run's import, not an error) and unlocked until
 *   the node stops, with a passphrase derived from the key itself, so that a later run unlocks
 *   what an earlier one imported. Only these accounts' keys are sent, never the rich key;
 * - any other node is refused in one line naming what it lacks.
 *
 * The nonce is ours, not the node's: every request carries the one its account's lease gives,
 * so the nonce manager bounds what the pool holds per account (--max-pending) exactly as for
 * signed transactions, and the inclusion tracker can heal, fill gaps and re-send by nonce.
 */
import type { SigningKey } from 'ethers/crypto';
import { concat, getBytes, toUtf8Bytes } from 'ethers/utils';
import type { Logger } from 'pino';

import type { JsonRpcClient } from '../rpc/json-rpc.js';
import { RpcError } from '../rpc/rpc-error.js';
import { errorMessage, KlayworkerError } from '../util/errors.js';
import { mapLimit } from '../util/map-limit.js';
import { type FeeQuote, maxPricePerGas } from './chain-context.js';
import { toHexQuantity } from './encoding/hex.js';
import { keccak256Hex } from './encoding/keccak.js';

/** The node cannot sign for the test accounts: raised before anything is funded. */
export class NodeSigningUnavailableError extends KlayworkerError {
  override name = 'NodeSigningUnavailableError';
}

/** A transaction for the node to sign. */
export interface NodeSignedTx {
  /** `eth_sendTransaction`'s one parameter. */
  readonly request: Readonly<Record<string, string>>;
  /** Unknown until the node answers the send with it. */
  readonly hash: null;
  readonly digest?: undefined;
}

export interface NodeSignedFields {
  readonly from: string;
  readonly to: string;
  /** wei */
  readonly value: bigint;
  readonly data: string;
  readonly gasLimit: bigint;
  readonly nonce: number;
  readonly fee: FeeQuote;
  /**
   * Pay the quote's most per gas as a legacy `gasPrice` (what kaia_/klay_sendTransaction take,
   * as the Go tools sent them) even when it is a 1559 quote.
   */
  readonly legacy: boolean;
}

/** The request for `fields`: every field given, so the node fills in nothing of its own but the signature. Pure. */
export function nodeSignedTx(fields: NodeSignedFields): NodeSignedTx {
  const { fee } = fields;
  const pricing: Record<string, string> =
    fee.type === '1559' && !fields.legacy
      ? { maxFeePerGas: toHexQuantity(fee.maxFeePerGas), maxPriorityFeePerGas: toHexQuantity(fee.maxPriorityFeePerGas) }
      : { gasPrice: toHexQuantity(maxPricePerGas(fee)) };
  return {
    request: {
      from: fields.from,
      to: fields.to,
      value: toHexQuantity(fields.value),
      data: fields.data,
      gas: toHexQuantity(fields.gasLimit),
      nonce: toHexQuantity(fields.nonce),
      ...pricing,
    },
    hash: null,
  };
}

/** An account the node is to sign for (its key is sent only to a node with the personal API). */
export interface NodeSignedAccount {
  readonly address: string;
  readonly signer: SigningKey;
}

export type NodeSigningWay = 'impersonation' | 'personal';

export interface NodeSigning {
  readonly way: NodeSigningWay;
  /** Undoes what can be undone: impersonation stopped, or the accounts locked again (the imported keys stay in the node). */
  disable(): Promise<void>;
}

/** Node calls in flight at once while the accounts are prepared. */
const CONCURRENCY = 16;
/** personal_unlockAccount's duration: 0 is until the node stops. */
const UNLOCK_UNTIL_STOPPED = 0;
const PASSPHRASE_DOMAIN = toUtf8Bytes('klayworker/node-signing-passphrase/v1');
const ALREADY_EXISTS = /already exists/i;
const UNLOCK_OVER_HTTP_FORBIDDEN = /unlock with http access is forbidden|insecure/i;

/**
 * Makes the node sign for `accounts` (see the file comment) and says how; throws a one-line
 * NodeSigningUnavailableError when it cannot. Transport failures are rethrown as they are.
 */
export async function enableNodeSigning(rpc: JsonRpcClient, accounts: readonly NodeSignedAccount[], log: Logger): Promise<NodeSigning> {
  const first = accounts[0];
  if (first === undefined) throw new RangeError('node signing needs at least one account');
  const impersonated = await ask(rpc, 'anvil_impersonateAccount', [first.address]);
  if (impersonated.ok) {
    await mapLimit(accounts.slice(1), CONCURRENCY, (a) => rpc.call('anvil_impersonateAccount', [a.address]));
    log.info({ accounts: accounts.length }, 'node signing: the node impersonates the node-signed accounts (anvil_impersonateAccount)');
    return {
      way: 'impersonation',
      disable: () => each(rpc, accounts, (a) => ['anvil_stopImpersonatingAccount', [a.address]]),
    };
  }
  const personal = await ask(rpc, 'personal_listAccounts', []);
  if (!personal.ok) {
    throw new NodeSigningUnavailableError(
      `the node cannot sign for test accounts: it has neither anvil_impersonateAccount nor the personal API (${personal.reason})`,
      {
        hint: 'use anvil, or a node with personal_importRawKey and personal_unlockAccount: Kaia with personal in its RPC modules, geth before 1.14 with --allow-insecure-unlock',
      },
    );
  }
  await mapLimit(accounts, CONCURRENCY, async (account) => {
    const passphrase = passphraseOf(account.signer);
    await importKey(rpc, account, passphrase);
    await unlock(rpc, account.address, passphrase);
  });
  log.info({ accounts: accounts.length }, 'node signing: the node-signed accounts are imported into the node and unlocked (personal API)');
  return {
    way: 'personal',
    disable: () => each(rpc, accounts, (a) => ['personal_lockAccount', [a.address]]),
  };
}

/** Derived from the key, so that the same account always has the same passphrase in the node. */
function passphraseOf(signer: SigningKey): string {
  return keccak256Hex(getBytes(concat([PASSPHRASE_DOMAIN, signer.privateKey]))).slice(2);
}

async function importKey(rpc: JsonRpcClient, account: NodeSignedAccount, passphrase: string): Promise<void> {
  try {
    // Without 0x: geth's and Kaia's HexToECDSA take bare hex.
    await rpc.call('personal_importRawKey', [account.signer.privateKey.slice(2), passphrase]);
  } catch (err) {
    if (err instanceof RpcError && err.kind === 'rpc' && ALREADY_EXISTS.test(err.message)) return;
    if (err instanceof RpcError && err.kind === 'rpc')
      throw new NodeSigningUnavailableError(`personal_importRawKey refused a test account's key: ${err.message}`);
    throw err;
  }
}

async function unlock(rpc: JsonRpcClient, address: string, passphrase: string): Promise<void> {
  let unlocked: unknown;
  try {
    ({ result: unlocked } = await rpc.call('personal_unlockAccount', [address, passphrase, UNLOCK_UNTIL_STOPPED]));
  } catch (err) {
    if (!(err instanceof RpcError && err.kind === 'rpc')) throw err;
    const hint = UNLOCK_OVER_HTTP_FORBIDDEN.test(err.message) ? { hint: 'geth unlocks over HTTP only with --allow-insecure-unlock' } : {};
    throw new NodeSigningUnavailableError(`personal_unlockAccount refused ${address}: ${err.message}`, hint);
  }
  // An account imported by someone else under another passphrase stays locked.
  if (unlocked !== true) throw new NodeSigningUnavailableError(`personal_unlockAccount did not unlock ${address} (it answered ${JSON.stringify(unlocked)})`);
}

type Answer = { ok: true } | { ok: false; reason: string };

/** A method the node lacks (or refuses) is an answer; a transport failure is thrown. */
async function ask(rpc: JsonRpcClient, method: string, params: readonly unknown[]): Promise<Answer> {
  try {
    await rpc.call(method, params);
    return { ok: true };
  } catch (err) {
    // "Method not found", or a node-level refusal of the method (e.g. a gateway that forbids it).
    if (err instanceof RpcError && err.kind === 'rpc') return { ok: false, reason: `${method}: ${errorMessage(err)}` };
    throw err;
  }
}

/** One call per account; failures are ignored (undoing is best effort: the run is over). */
async function each(rpc: JsonRpcClient, accounts: readonly NodeSignedAccount[], call: (a: NodeSignedAccount) => [string, unknown[]]): Promise<void> {
  await mapLimit(accounts, CONCURRENCY, async (account) => {
    const [method, params] = call(account);
    await rpc.call(method, params).catch(() => undefined);
  });
}

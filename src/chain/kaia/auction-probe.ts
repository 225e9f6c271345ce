/**
 * "Does this node run KIP-249 auctions, and can this worker bid?" — asked before anything is
 * funded. A bid needs, in order: the node's `auction` namespace (served by a Kaia v2 consensus
 * node with the auction module; `auction_call` is a read), an AuctionEntryPoint registered in
 * the KIP-149 registry, and the key of its auctioneer, who co-signs every bid: an operator's
 * secret, given in KLAYWORKER_AUCTIONEER_KEY (never on the command line). Each searcher must
 * then hold the deposit vault's minimum deposit. What is missing is named in one line.
 */
import { Interface } from 'ethers/abi';
import { getAddress } from 'ethers/address';
import { ZeroAddress } from 'ethers/constants';
import type { SigningKey } from 'ethers/crypto';
import { computeAddress } from 'ethers/transaction';

import { RpcError } from '../../rpc/rpc-error.js';
import { errorMessage } from '../../util/errors.js';
import { PrivateKey } from '../keys.js';
import { KaiaFeatureMissingError, type RpcCaller } from './node-probe.js';

/** Where the auctioneer's key is read from. */
export const AUCTIONEER_KEY_ENV = 'KLAYWORKER_AUCTIONEER_KEY';
/** The KIP-149 registry (blockchain/system RegistryAddr). */
export const KIP149_REGISTRY = '0x0000000000000000000000000000000000000401';

export const KIP149 = new Interface(['function getActiveAddr(string name) view returns (address)']);
export const AUCTION_ENTRY_POINT = new Interface([
  'function auctioneer() view returns (address)',
  'function depositVault() view returns (address)',
  'function getNoncesAndDeposits(address[] searchers) view returns (uint256[] nonces_, uint256[] deposits_)',
]);
export const AUCTION_DEPOSIT_VAULT = new Interface([
  'function minDepositAmount() view returns (uint256)',
  'function depositBalances(address searcher) view returns (uint256)',
  'function deposit() payable',
]);

export interface AuctionInfo {
  readonly entryPoint: string;
  readonly depositVault: string;
  /** kei each searcher must hold in the vault. */
  readonly minDeposit: bigint;
  /** The auctioneer's key, checked against the entry point's auctioneer. */
  readonly auctioneer: SigningKey;
}

export async function probeAuction(rpc: RpcCaller, testCase: string, env: NodeJS.ProcessEnv = process.env): Promise<AuctionInfo> {
  const missing = (what: string): KaiaFeatureMissingError => new KaiaFeatureMissingError(`${testCase}: the node cannot take KIP-249 auction bids: ${what}`);
  const call = async (iface: Interface, to: string, fn: string, args: readonly unknown[] = []): Promise<unknown[]> => {
    let result: unknown;
    try {
      ({ result } = await rpc.call('auction_call', [{ to, data: iface.encodeFunctionData(fn, args) }, 'latest']));
    } catch (err) {
      if (!(err instanceof RpcError && err.kind === 'rpc')) throw new Error(`cannot ask the endpoint for auction_call: ${errorMessage(err)}`, { cause: err });
      throw missing(`auction_call (${fn}): ${err.message} (it needs a Kaia v2 consensus node with the auction module and its auction API)`);
    }
    if (typeof result !== 'string') throw missing(`auction_call (${fn}) returned ${JSON.stringify(result)}`);
    return [...iface.decodeFunctionResult(fn, result)] as unknown[];
  };
  const entryPoint = getAddress((await call(KIP149, KIP149_REGISTRY, 'getActiveAddr', ['AuctionEntryPoint']))[0] as string);
  if (entryPoint === ZeroAddress) throw missing('no AuctionEntryPoint is registered in the KIP-149 registry');
  const auctioneerAddress = getAddress((await call(AUCTION_ENTRY_POINT, entryPoint, 'auctioneer'))[0] as string);
  const given = env[AUCTIONEER_KEY_ENV];
  if (given === undefined || given.trim() === '') {
    throw missing(`the auctioneer ${auctioneerAddress} co-signs every bid: give its key in ${AUCTIONEER_KEY_ENV}`);
  }
  const auctioneer = PrivateKey.parse(given, AUCTIONEER_KEY_ENV).signingKey();
  const keyAddress = computeAddress(auctioneer.publicKey);
  if (keyAddress !== auctioneerAddress) throw missing(`${AUCTIONEER_KEY_ENV} is the key of ${keyAddress}, not of the auctioneer ${auctioneerAddress}`);
  const depositVault = getAddress((await call(AUCTION_ENTRY_POINT, entryPoint, 'depositVault'))[0] as string);
  if (depositVault === ZeroAddress) throw missing('the AuctionEntryPoint has no deposit vault');
  const minDeposit = (await call(AUCTION_DEPOSIT_VAULT, depositVault, 'minDepositAmount'))[0] as bigint;
  return { entryPoint, depositVault, minDeposit, auctioneer };
}

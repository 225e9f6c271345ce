/**
 * A node with the personal API in front of a real anvil, as geth (before 1.14) or a Kaia node
 * shows itself to klayworker: anvil_* and hardhat_* are "Method not found";
 * personal_importRawKey, _unlockAccount and _lockAccount keep a keystore; eth_sendTransaction
 * and kaia_sendTransaction from a locked account are refused as geth refuses them, and from an
 * unlocked one go on to anvil as eth_sendTransaction (anvil impersonates the account: the
 * stand-in for the node signing with the imported key). kaia_sendTransaction takes a legacy
 * gasPrice only, as Kaia's does. Everything else is passed to anvil as it is.
 *
 * `personal: false` makes a node that cannot sign for anyone. `answerDelayMs` holds back each
 * send's answer, so that the block holding the transaction comes before the node says its hash.
 */
import { computeAddress } from 'ethers';

import { type ForwardingNode, type Reply, rpcError, startForwardingNode } from './forwarding-node.js';

export interface NodeSend {
  readonly method: string;
  readonly request: Readonly<Record<string, string>>;
  /** The hash the node answered with. */
  readonly hash: string;
  /** A block held it when the node answered. */
  readonly minedBeforeAnswer: boolean;
}

export interface PersonalApiNode extends ForwardingNode {
  /** Imported keys: lower-case address → passphrase. */
  readonly imported: ReadonlyMap<string, string>;
  /** Lower-case addresses unlocked now. */
  readonly unlocked: ReadonlySet<string>;
  /** Every send answered with a hash, in order. */
  readonly sends: readonly NodeSend[];
}

export interface PersonalApiOptions {
  /** false: no personal API either (default true). */
  personal?: boolean;
  answerDelayMs?: number;
}

const SEND_METHODS = new Set(['eth_sendTransaction', 'kaia_sendTransaction']);

export async function startPersonalApiNode(anvilUrl: string, options: PersonalApiOptions = {}): Promise<PersonalApiNode> {
  const { personal = true, answerDelayMs = 0 } = options;
  const imported = new Map<string, string>();
  const unlocked = new Set<string>();
  const sends: NodeSend[] = [];

  const node = await startForwardingNode(anvilUrl, async (req, anvil): Promise<Reply | undefined> => {
    const params = (req.params ?? []) as unknown[];
    if (/^(anvil|hardhat)_/.test(req.method) || (!personal && req.method.startsWith('personal_'))) {
      return rpcError(`the method ${req.method} does not exist/is not available`, -32601);
    }
    switch (req.method) {
      case 'personal_listAccounts':
        return { result: [...imported.keys()] };
      case 'personal_importRawKey': {
        const [key, passphrase] = params as [string, string];
        if (key.startsWith('0x')) return rpcError('invalid hex character');
        const address = computeAddress(`0x${key}`);
        if (imported.has(address.toLowerCase())) return rpcError('account already exists');
        imported.set(address.toLowerCase(), passphrase);
        return { result: address };
      }
      case 'personal_unlockAccount': {
        const [address, passphrase] = params as [string, string];
        if (imported.get(address.toLowerCase()) !== passphrase) return rpcError('could not decrypt key with given password');
        await anvil('anvil_impersonateAccount', [address]);
        unlocked.add(address.toLowerCase());
        return { result: true };
      }
      case 'personal_lockAccount': {
        const [address] = params as [string];
        unlocked.delete(address.toLowerCase());
        await anvil('anvil_stopImpersonatingAccount', [address]);
        return { result: true };
      }
    }
    if (!SEND_METHODS.has(req.method)) return undefined;
    const [request] = params as [Record<string, string>];
    if (!unlocked.has(String(request.from).toLowerCase())) return rpcError('authentication needed: password or unlock');
    if (req.method === 'kaia_sendTransaction' && (request.gasPrice === undefined || request.maxFeePerGas !== undefined)) {
      return rpcError('kaia_sendTransaction: legacy gasPrice expected');
    }
    const sent = await anvil('eth_sendTransaction', [request]);
    if (!('result' in sent) || typeof sent.result !== 'string') return sent;
    if (answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, answerDelayMs));
    const receipt = await anvil('eth_getTransactionReceipt', [sent.result]);
    sends.push({ method: req.method, request, hash: sent.result, minedBeforeAnswer: 'result' in receipt && receipt.result !== null });
    return sent;
  });
  return { ...node, imported, unlocked, sends };
}

/**
 * "Does this node take AccountCreation (0x18) transactions?" — asked without sending one.
 * kaiachain/kaia defines the type but leaves it out of its transaction factory, so its nodes
 * cannot even decode it. `<ns>_recoverFromTransaction` decodes a signed transaction and
 * returns its sender, a read with no effect: a 0x18 signed by a throwaway key answers with
 * that key's address only on a node that decodes the type.
 */
import { randomBytes, SigningKey } from 'ethers/crypto';
import { computeAddress } from 'ethers/transaction';
import { hexlify } from 'ethers/utils';

import { RpcError } from '../../rpc/rpc-error.js';
import { errorMessage } from '../../util/errors.js';
import { accountKeyPublic } from './account-key.js';
import { KaiaFeatureMissingError, type KaiaRpcNamespace, type RpcCaller } from './node-probe.js';
import { signKaiaTx } from './sign.js';
import { KaiaTxType } from './tx-types.js';

/** Resolves when the node decodes a 0x18; rejects with a one-line KaiaFeatureMissingError naming `testCase` when not. */
export async function probeAccountCreation(rpc: RpcCaller, namespace: KaiaRpcNamespace, chainId: bigint, testCase: string): Promise<void> {
  const key = new SigningKey(hexlify(randomBytes(32)));
  const from = computeAddress(key.publicKey);
  const raw = signKaiaTx(
    {
      type: KaiaTxType.AccountCreation,
      chainId,
      nonce: 0,
      gasPrice: 0,
      gas: 41_000,
      from,
      to: computeAddress(new SigningKey(hexlify(randomBytes(32))).publicKey),
      value: 0,
      humanReadable: false,
      key: accountKeyPublic(key.compressedPublicKey),
    },
    key,
  );
  const method = `${namespace}_recoverFromTransaction`;
  let result: unknown;
  try {
    ({ result } = await rpc.call(method, [raw, 'latest']));
  } catch (err) {
    if (!(err instanceof RpcError && err.kind === 'rpc')) throw new Error(`cannot ask the endpoint for ${method}: ${errorMessage(err)}`, { cause: err });
    throw new KaiaFeatureMissingError(
      `${testCase}: the node does not take AccountCreation (0x18) transactions (${method}: ${err.message}); kaiachain/kaia leaves the type out of every network`,
    );
  }
  if (typeof result !== 'string' || result.toLowerCase() !== from.toLowerCase()) {
    throw new KaiaFeatureMissingError(`${testCase}: the node does not take AccountCreation (0x18) transactions (${method} did not return the sender)`);
  }
}

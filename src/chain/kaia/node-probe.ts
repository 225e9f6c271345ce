/**
 * "Is this a Kaia node?" — asked before a Kaia test case funds anything. Kaia nodes answer
 * `kaia_chainID` (and `klay_chainID` for older tooling); Ethereum nodes such as anvil answer
 * "Method not found", and a Kaia-native transaction sent to them could never be accepted.
 */
import { RpcError } from '../../rpc/rpc-error.js';
import { errorMessage, KlayworkerError } from '../../util/errors.js';

export type KaiaRpcNamespace = 'kaia' | 'klay';

/** The part of JsonRpcClient the probe needs. */
export interface RpcCaller {
  call(method: string, params: readonly unknown[]): Promise<{ result: unknown }>;
}

/** The endpoint does not speak Kaia's JSON-RPC; the message says what is needed. */
export class KaiaNodeRequiredError extends KlayworkerError {
  override readonly name = 'KaiaNodeRequiredError';
}

/** A Kaia node without something a test case needs (a transaction type, a module); the message names it. */
export class KaiaFeatureMissingError extends KlayworkerError {
  override readonly name = 'KaiaFeatureMissingError';
}

const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;

/**
 * The chain id from `<namespace>_chainID`; throws a one-line KaiaNodeRequiredError when the
 * node does not answer it (naming the other namespace when only that one works), and rethrows
 * transport failures (timeouts, refused connections) with the method named.
 */
export async function probeKaiaNode(rpc: RpcCaller, namespace: KaiaRpcNamespace = 'kaia'): Promise<bigint> {
  const method = `${namespace}_chainID`;
  const first = await ask(rpc, method);
  if (first.ok) return first.chainId;
  const other: KaiaRpcNamespace = namespace === 'kaia' ? 'klay' : 'kaia';
  const second = await ask(rpc, `${other}_chainID`);
  if (second.ok) {
    throw new KaiaNodeRequiredError(`the node answers ${other}_chainID but not ${method}: use --rpc-namespace ${other}`);
  }
  throw new KaiaNodeRequiredError(`these test cases need a Kaia node (kaia_chainID / klay_chainID not available at the endpoint): ${first.reason}`);
}

type Answer = { ok: true; chainId: bigint } | { ok: false; reason: string };

/** A node-level refusal or a non-chain-id result is an answer; anything else is thrown. */
async function ask(rpc: RpcCaller, method: string): Promise<Answer> {
  let result: unknown;
  try {
    ({ result } = await rpc.call(method, []));
  } catch (err) {
    if (err instanceof RpcError && err.kind === 'rpc') return { ok: false, reason: `${method}: ${err.message}` };
    const text = errorMessage(err);
    throw new Error(`cannot ask the endpoint for ${method}: ${text}`, { cause: err });
  }
  if (typeof result === 'string' && QUANTITY.test(result)) return { ok: true, chainId: BigInt(result) };
  const shown = JSON.stringify(result) ?? String(result);
  return { ok: false, reason: `${method} returned ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}, not a chain id` };
}

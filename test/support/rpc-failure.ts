/** The RpcError a call fails with; the test fails if the call succeeds or throws anything else. */
import { expect } from 'vitest';

import { RpcError } from '../../src/rpc/rpc-error.js';

export async function rpcFailure(pending: Promise<unknown>): Promise<RpcError> {
  const err = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcError);
  return err as RpcError;
}

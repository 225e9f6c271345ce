/**
 * kaiaGetAccount (the Go tools' readGetAccount): `kaia_getAccount(test account, 'latest')`
 * (`klay_` with --rpc-namespace klay), a Kaia-only read of an account with its key. The
 * addresses are the funded test accounts, as in the Go tools, so every one exists on the chain
 * as an externally owned account: success is a result with accType 1. The node must answer
 * `kaia_chainID` before the accounts are funded, so on a node that is not Kaia nothing is spent.
 */
import { defineTestCase } from '../../src/api/test-case.js';
import { describeResult, timedCall } from '../../src/runner/timed-call.js';
import { kaiaRead } from './read-context.js';

const NAME = 'kaiaGetAccount';
/** account.ExternallyOwnedAccountType in Kaia (0 legacy, 1 EOA, 2 smart contract). */
const EOA = 1;

/** Messages name no address: Locust groups failures by message, one row per kind. */
export function validateAccount(method: string, result: unknown): string | undefined {
  if (result === null) return `${method}: no such account (null result)`;
  const accType = typeof result === 'object' ? (result as { accType?: unknown }).accType : undefined;
  const account = typeof result === 'object' ? (result as { account?: unknown }).account : undefined;
  if (typeof accType !== 'number' || typeof account !== 'object' || account === null) {
    return `invalid ${method} result: not an account with accType: ${describeResult(result)}`;
  }
  return accType === EOA ? undefined : `${method}: not an externally owned account (accType ${accType})`;
}

export const kaiaGetAccount = defineTestCase({
  name: NAME,
  aliases: ['readGetAccount'],
  description: "kaia_getAccount(random test account, 'latest'), Kaia only; succeeds when the account is an EOA (accType 1)",
  async setup(ctx) {
    const { method, label } = await kaiaRead(ctx, NAME, 'getAccount');
    const { list } = await ctx.tx.accounts();
    const params = list.map((a) => [a.address, 'latest'] as const);
    const validate = (result: unknown): string | undefined => validateAccount(method, result);
    return {
      run(user) {
        return timedCall(user, ctx.rpc, label, method, params[Math.floor(Math.random() * params.length)]!, validate);
      },
    };
  },
});

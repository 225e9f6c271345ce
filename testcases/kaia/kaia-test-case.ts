/**
 * The shape every Kaia test case shares: a test case (with the Go tools' name as its alias)
 * whose setup first prepares Kaia (kaia-setup.ts: the node must speak Kaia, then pass the
 * test case's own `probe`, before anything is funded) and then readies its iteration.
 */
import { defineTestCase, type PreparedTestCase, type TestCase, type TestCaseContext } from '../../src/api/test-case.js';
import type { TestAccount } from '../../src/chain/accounts.js';
import { kaiaMinGasLimitAnyFork } from '../../src/chain/kaia/gas.js';
import type { KaiaRpcNamespace } from '../../src/chain/kaia/node-probe.js';
import type { KaiaTxTypeCode } from '../../src/chain/kaia/tx-types.js';
import { pickRecipient } from '../transfers/random-transfer.js';
import { type KaiaSetup, prepareKaia } from './kaia-setup.js';
import { type KaiaTxPlan, sendKaiaTx } from './send-kaia-tx.js';

export interface KaiaTestCaseDefinition<P> {
  readonly name: string;
  /** The Go load testers' name. */
  readonly alias: string;
  readonly description: string;
  readonly runsAlone?: string;
  /** What else the node must have, asked once it speaks Kaia and before anything is funded; a throw refuses the test case. */
  probe?(ctx: TestCaseContext, node: { namespace: KaiaRpcNamespace; chainId: bigint }): Promise<P>;
  /** With the funded accounts: what the iterations need, and the iteration. */
  ready(setup: KaiaSetup, ctx: TestCaseContext, probed: P): Promise<PreparedTestCase>;
}

export function defineKaiaTestCase<P = undefined>(definition: KaiaTestCaseDefinition<P>): TestCase {
  const { name, alias, description, runsAlone } = definition;
  return defineTestCase({
    name,
    aliases: [alias],
    description,
    runsAlone,
    async setup(ctx) {
      let probed = undefined as P;
      const beforeFunding = async (node: { namespace: KaiaRpcNamespace; chainId: bigint }): Promise<void> => {
        if (definition.probe !== undefined) probed = await definition.probe(ctx, node);
      };
      const setup = await prepareKaia(ctx, name, { beforeFunding });
      return definition.ready(setup, ctx, probed);
    },
  });
}

/**
 * A test case whose transactions all cost their type's exact intrinsic gas (transfers,
 * cancels): `plan` says what the leased `from` sends, given `other`, another random test
 * account (the recipient or fee payer), and the gas.
 */
export function defineFixedGasTestCase(definition: {
  readonly name: string;
  readonly alias: string;
  readonly description: string;
  readonly type: KaiaTxTypeCode;
  plan(from: TestAccount, other: TestAccount, gas: bigint): KaiaTxPlan;
}): TestCase {
  const { type } = definition;
  return defineKaiaTestCase({
    ...definition,
    async ready(setup) {
      const gas = kaiaMinGasLimitAnyFork({ type });
      const { list } = setup.accounts;
      return {
        async run(user) {
          await sendKaiaTx(user, setup, (from) => definition.plan(from, pickRecipient(list, from.index), gas));
        },
      };
    },
  });
}

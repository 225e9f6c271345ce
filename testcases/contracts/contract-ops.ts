/**
 * Contract workloads made of named operations (BlockBench's IOHeavy, SmallBank and YCSB, as
 * the Go tools ran them): each operation is a test case of its own, and the family's mix
 * runs one of them at random each iteration, as the Go tools' Run did. An operation is a
 * transaction (sent and counted like every contract call, see contract-call.ts, with a gas
 * limit of its own) or a read (an eth_call, recorded under the call method). Every test case
 * records under its own name, whichever operation ran.
 */
import type { Interface } from 'ethers/abi';

import { defineTestCase, type TestCase, type TestCaseContext } from '../../src/api/test-case.js';
import type { User } from '../../src/runner/task.js';
import { type CallLabel, timedCall } from '../../src/runner/timed-call.js';
import { validateAbiResult } from '../reads/call.js';
import { deployedContract } from '../reads/read-context.js';
import type { ArtifactName } from './artifacts.js';
import { sendContractCall, withContract } from './contract-call.js';

export interface ContractOp {
  /** The operation's own test case. */
  readonly name: string;
  /** The Go tools' name for it. */
  readonly alias: string;
  readonly description: string;
  /** A transaction, or an eth_call. */
  readonly kind: 'send' | 'read';
  /** The contract function it calls (a read's result is checked against its ABI). */
  readonly fn: string;
  /** Calldata of one call; `n` counts this test case's calls from 1 (BlockBench's "signature"). */
  calldata(n: number): string;
  /** A send's costliest calldata (fresh storage, the longest arguments), for the gas estimate; default: a call's. */
  costliest?(): string;
}

export interface ContractOpsFamily {
  readonly contract: ArtifactName;
  readonly abi: Interface;
  /** The mix. */
  readonly name: string;
  readonly alias: string;
  readonly description: string;
  readonly ops: readonly ContractOp[];
}

/** The family's test cases: its mix first, then one per operation. */
export function contractOpsTestCases(family: ContractOpsFamily): TestCase[] {
  const mix = defineTestCase({
    name: family.name,
    aliases: [family.alias],
    description: family.description,
    async setup(ctx) {
      const runs = await prepareOps(ctx, family.name, family, family.ops);
      return {
        run: (user) => runs[Math.floor(Math.random() * runs.length)]!(user),
      };
    },
  });
  const single = family.ops.map((op) =>
    defineTestCase({
      name: op.name,
      aliases: [op.alias],
      description: op.description,
      async setup(ctx) {
        const [run] = await prepareOps(ctx, op.name, family, [op]);
        return { run: run! };
      },
    }),
  );
  return [mix, ...single];
}

type Run = (user: User) => Promise<void>;

/**
 * The family's contract deployed (after the accounts are funded, when a send needs them: both
 * spend from the rich key), and one runner per operation, recorded under `name`.
 */
async function prepareOps(ctx: TestCaseContext, name: string, family: ContractOpsFamily, ops: readonly ContractOp[]): Promise<Run[]> {
  const sends = ops.some((op) => op.kind === 'send');
  const chain = sends ? await ctx.tx.chain() : null;
  const accounts = sends ? await ctx.tx.accounts() : null;
  const contract = await deployedContract(ctx, name, family.contract);
  let calls = 0;
  const runs: Run[] = [];
  for (const op of ops) {
    if (op.kind === 'send') {
      const setup = await withContract(ctx, name, { chain: chain!, accounts: accounts!, contract }, (to, from) => ({
        from: from.address,
        to,
        data: op.costliest?.() ?? op.calldata(0),
      }));
      runs.push(async (user) => {
        await sendContractCall(user, setup, () => op.calldata(++calls));
      });
    } else {
      const method = ctx.tx.method('call');
      const label: CallLabel = { type: method, name };
      runs.push(async (user) => {
        await timedCall(user, ctx.rpc, label, method, [{ to: contract, data: op.calldata(++calls) }, 'latest'], (result) =>
          validateAbiResult(family.abi, op.fn, method, result),
        );
      });
    }
  }
  return runs;
}

/** `prefix` and a random whole number below `below`: the Go tools' "user<n>" keys. */
export function numbered(prefix: string, below: number): string {
  return `${prefix}${Math.floor(Math.random() * below)}`;
}

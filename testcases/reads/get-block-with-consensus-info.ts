/**
 * kaiaGetBlockWithConsensusInfoByNumber (the Go tools' readGetBlockWithConsensusInfoByNumber):
 * a random block up to the head with its consensus information (committee, proposer, round),
 * a Kaia-only read (`klay_` with --rpc-namespace klay). Success: the block asked for, with the
 * consensus fields a plain block lacks. The node must answer `kaia_chainID` first.
 */
import { defineTestCase, type TestCase } from '../../src/api/test-case.js';
import { toHexQuantity } from '../../src/chain/encoding/hex.js';
import { timedCall } from '../../src/runner/timed-call.js';
import { validateBlock } from './get-block-by-number.js';
import { kaiaRead, openChainHead, type ReadConfig } from './read-context.js';

const NAME = 'kaiaGetBlockWithConsensusInfoByNumber';

/** The block asked for, carrying `committee` (null for the genesis block, which has no consensus). */
export function validateConsensusBlock(method: string, result: unknown, requested: number): string | undefined {
  const problem = validateBlock(method, result, requested);
  if (problem !== undefined) return problem;
  return 'committee' in (result as object) ? undefined : `invalid ${method} result: a block without consensus information (no "committee")`;
}

export function createGetBlockWithConsensusInfo(config: ReadConfig): TestCase {
  return defineTestCase({
    name: NAME,
    aliases: ['readGetBlockWithConsensusInfoByNumber'],
    description: 'kaia_getBlockWithConsensusInfoByNumber(random block <= head), Kaia only; succeeds when it is that block with its committee',
    async setup(ctx) {
      const { namespace, method, label } = await kaiaRead(ctx, NAME, 'getBlockWithConsensusInfoByNumber');
      const head = await openChainHead(ctx, NAME, `${namespace}_blockNumber`, config);
      return {
        async run(user) {
          const requested = Math.floor(Math.random() * (head.current() + 1));
          await timedCall(user, ctx.rpc, label, method, [toHexQuantity(requested)], (result) => validateConsensusBlock(method, result, requested));
        },
        teardown: () => head.close(),
      };
    },
  });
}

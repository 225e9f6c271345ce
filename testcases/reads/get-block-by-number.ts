/**
 * getBlockByNumber: a random historical block, header only. Random numbers up to the head
 * spread the reads over the whole chain (cold data included), as the Go tool's TC did.
 */
import { defineTestCase, type TestCase } from '../../src/api/test-case.js';
import { isHexQuantity, toHexQuantity } from '../../src/chain/encoding/hex.js';
import { type CallLabel, timedCall } from '../../src/runner/timed-call.js';
import { openChainHead, type ReadConfig } from './read-context.js';

const NAME = 'getBlockByNumber';

/** Messages name no block number: Locust groups failures by message, one row per kind. */
export function validateBlock(method: string, result: unknown, requested: number): string | undefined {
  if (result === null) return `${method}: no such block (null result)`;
  const number = typeof result === 'object' ? (result as { number?: unknown }).number : undefined;
  if (!isHexQuantity(number)) return `invalid ${method} result: not a block with a hex "number"`;
  if (Number(number) !== requested) return `${method} returned a different block than the one asked for`;
  return undefined;
}

export function createGetBlockByNumber(config: ReadConfig): TestCase {
  return defineTestCase({
    name: NAME,
    aliases: ['readGetBlockByNumber'],
    description: 'eth_getBlockByNumber(random block <= head, false), head re-read every 2 s; succeeds when the block has the number asked for',
    async setup(ctx) {
      const ns = ctx.namespace;
      const method = `${ns}_getBlockByNumber`;
      const label: CallLabel = { type: method, name: NAME };
      const head = await openChainHead(ctx, NAME, `${ns}_blockNumber`, config);
      return {
        async run(user) {
          const requested = Math.floor(Math.random() * (head.current() + 1));
          await timedCall(user, ctx.rpc, label, method, [toHexQuantity(requested), false], (result) => validateBlock(method, result, requested));
        },
        teardown: () => head.close(),
      };
    },
  });
}

/**
 * ioHeavy, ioHeavyWrite, ioHeavyScan: BlockBench's IOHeavy as the Go tools ran it (their
 * ioHeavyTx, ioHeavyWriteTx, ioHeavyScanTx). `write` stores a 100-byte value under each of 100
 * consecutive keys from a random start below 100,000 (~9M gas for fresh keys, ~1M for keys
 * written before), `scan` reads 100 such keys back (~1M gas) in a transaction; the mix runs
 * one of the two at random. Each call carries this test case's call count as BlockBench's
 * "signature". The Go tools' gas limit of 99,999,999 is more than most blocks hold; here each
 * operation's limit is the node's estimate of its costliest form plus 50 %. Success = accepted
 * by the node.
 */
import { Interface } from 'ethers/abi';

import type { TestCase } from '../../src/api/test-case.js';
import { loadArtifact } from './artifacts.js';
import { contractOpsTestCases } from './contract-ops.js';

const IO_HEAVY = new Interface(loadArtifact('IoHeavy').abi);
/** Keys a call covers, and the range its start is drawn from (the Go tools' constants). */
const SIZE = 100;
const MAX_KEY = 100_000;
/** Far above the keys the workload uses: never written, so the costliest write. */
const FRESH_KEYS = 2n ** 128n;

const startKey = (): number => Math.floor(Math.random() * MAX_KEY);

export const ioHeavyTestCases: readonly TestCase[] = contractOpsTestCases({
  contract: 'IoHeavy',
  abi: IO_HEAVY,
  name: 'ioHeavy',
  alias: 'ioHeavyTx',
  description: `IoHeavy: write or scan (at random) of ${SIZE} keys of 100 bytes from a random start below ${MAX_KEY}; success = accepted by the node`,
  ops: [
    {
      name: 'ioHeavyWrite',
      alias: 'ioHeavyWriteTx',
      description: `IoHeavy.write: 100-byte values under ${SIZE} consecutive keys from a random start below ${MAX_KEY} (~9M gas fresh); success = accepted by the node`,
      kind: 'send',
      fn: 'write',
      calldata: (n) => IO_HEAVY.encodeFunctionData('write', [startKey(), SIZE, n]),
      costliest: () => IO_HEAVY.encodeFunctionData('write', [FRESH_KEYS + BigInt(startKey()), SIZE, MAX_KEY]),
    },
    {
      name: 'ioHeavyScan',
      alias: 'ioHeavyScanTx',
      description: `IoHeavy.scan in a transaction: reads ${SIZE} consecutive keys from a random start below ${MAX_KEY} (~1M gas); success = accepted by the node`,
      kind: 'send',
      fn: 'scan',
      calldata: (n) => IO_HEAVY.encodeFunctionData('scan', [startKey(), SIZE, n]),
    },
  ],
});

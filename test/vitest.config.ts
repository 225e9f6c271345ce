import { relative } from 'node:path';

import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Five projects in two groups, run one after the other (sequence.groupOrder):
 * - quiet (group 0), two files at once: the saturating runs that must outpace anvil and assert
 *   it (chain-truth: full blocks, a flooded pool) on one side, and on the other, one after the
 *   other, the timing tests that measure the real clock (the sub-millisecond timer, the
 *   limiters in real time, the user ramp, the masters' ramps, --max-rps held for 20 s). Neither shares the machine
 *   with the busy group: beside it the open loop once could not flood the pool in 30 s, a 50 rps
 *   cap reached 47 once and the smooth limiter's spacing bunched once. Beside each other they
 *   do not meet: the timing files use a few per cent of a core, the saturating runs about one
 *   of the two, and their bounds are the worker against anvil's blocks;
 * - unit: pure code, no servers or child processes; integration: anvil, a mock master, fake
 *   nodes, the CLI as a child process, on loopback with free ports; e2e: a real Locust master,
 *   Chromium, network namespaces. One group, eight files at a time, its bounds exact counts,
 *   generous deadlines and rates measured in their own clock windows. Files share their
 *   worker process (isolate: false): a fresh process per file re-imported ethers and the
 *   rest each time, a quarter of the group's CPU. The code keeps no module-level state; a
 *   test that stubs the environment restores it.
 *   The uncapped two-worker master run, whose bounds are counts, runs in this group.
 */
const root = new URL('..', import.meta.url).pathname;
const shared = { root, testTimeout: 60_000, hookTimeout: 60_000 };
const SATURATING = ['test/e2e/chain-truth.test.ts'];
const TIMING = [
  'test/unit/precise-timer.test.ts',
  'test/unit/rate-limiter.test.ts',
  'test/unit/user-pool.test.ts',
  'test/integration/standalone.test.ts',
  // Each master era's ramp must take its 2 s within 10 %.
  'test/integration/master-eras.test.ts',
];
/** Files at once in the unit + integration + e2e group (one pool: vitest shares it within a group, and wants one count per group). */
const GROUP_WORKERS = 8;
/** The quiet group: the saturating file on one worker, the timing files in turn on the other. */
const QUIET_WORKERS = 2;
/**
 * The longest files (about 25–75 s each here), started first so that
 * none of them is the last to begin: vitest would start the e2e project's files first (it
 * orders projects by name), then the largest files, and a long file started late made the
 * group's tail (a fresh clone has no timings of earlier runs to sort by). In the quiet group
 * the saturating file goes first, so the timing files take the other worker.
 */
const LONG_FIRST = [
  'test/e2e/chain-truth.test.ts',
  'test/integration/tc-module.test.ts',
  'test/e2e/chain-truth-master.test.ts',
  'test/integration/endpoint-access.test.ts',
  'test/integration/secrets.test.ts',
  'test/integration/contract-test-cases.test.ts',
  'test/e2e/locust-master.test.ts',
  'test/integration/transfer-faults.test.ts',
  'test/integration/eth-typed-test-cases.test.ts',
  'test/integration/value-transfer-modes.test.ts',
  'test/integration/processes.test.ts',
  'test/e2e/faults-master.test.ts',
  'test/integration/value-transfer.test.ts',
];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const at = LONG_FIRST.indexOf(relative(root, spec.moduleId));
      return at === -1 ? LONG_FIRST.length : at;
    };
    const group = (spec: TestSpecification): number => spec.project.config.sequence.groupOrder;
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => group(a) - group(b) || rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    ...shared,
    sequence: { sequencer: LongFilesFirst },
    projects: [
      { test: { ...shared, name: 'timing', include: TIMING, maxWorkers: QUIET_WORKERS, sequence: { groupOrder: 0 } } },
      {
        test: {
          ...shared,
          name: 'unit',
          isolate: false,
          include: ['test/unit/**/*.test.ts'],
          exclude: TIMING,
          maxWorkers: GROUP_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          isolate: false,
          include: ['test/integration/**/*.test.ts'],
          exclude: TIMING,
          maxWorkers: GROUP_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          isolate: false,
          include: ['test/e2e/**/*.test.ts'],
          exclude: SATURATING,
          maxWorkers: GROUP_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      { test: { ...shared, name: 'saturating', include: SATURATING, maxWorkers: QUIET_WORKERS, sequence: { groupOrder: 0 } } },
    ],
  },
});

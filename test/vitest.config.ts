import { relative } from 'node:path';

import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Six projects in three groups, run one after the other (sequence.groupOrder):
 * - clock (group 0): the tests of our timers on the real clock (the sub-millisecond timer at
 *   2,000 grants a second, the limiters in real time, the user ramp), two files at once and
 *   nothing else beside them: six seconds. (vitest 4 ran a project given one worker after all
 *   the others, whatever its group.)
 * - quiet (group 1), two files at once: the saturating runs that must outpace anvil and assert
 *   it (chain-truth: full blocks, a flooded pool, blocks full again two blocks after a drop
 *   storm) on one side, and in turn on the other the runs whose rate and ramps are timed but
 *   light (--max-rps 50 held for 20 s, each master era's 2 s ramp), then the contract test
 *   cases at 25 requests a second (long, light, and done before the saturating runs). Neither shares the
 *   machine with the busy group: beside it the open loop once could not flood the pool in
 *   30 s, and a 50 rps cap reached 47 once. Beside the saturating runs the clock tests did
 *   not hold (2,000 grants a second spread 1,750 once, and the drop storm's blocks took three
 *   blocks to fill);
 * - unit: pure code, no servers or child processes; integration: anvil, a mock master, fake
 *   nodes, the CLI as a child process, on loopback with free ports; e2e: a real Locust master,
 *   Chromium, network namespaces. One group (2), eight files at a time, its bounds exact
 *   counts, generous deadlines and rates measured in their own clock windows. Files share
 *   their worker process (isolate: false): a fresh process per file re-imported ethers and
 *   the rest each time, a quarter of the group's CPU. The code keeps no module-level state; a
 *   test that stubs the environment restores it.
 *   The uncapped two-worker master run, whose bounds are counts, runs in this group.
 */
const root = new URL('..', import.meta.url).pathname;
const shared = { root, testTimeout: 60_000, hookTimeout: 60_000 };
const SATURATING = ['test/e2e/chain-truth.test.ts'];
const CLOCK = ['test/unit/precise-timer.test.ts', 'test/unit/rate-limiter.test.ts', 'test/unit/user-pool.test.ts'];
const TIMED = ['test/integration/standalone.test.ts', 'test/integration/master-eras.test.ts'];
/** Long but light (contracts at 25 requests a second): after the timed ones, while the saturating runs go on. */
const LIGHT = ['test/integration/contract-test-cases.test.ts'];
const TIMING = [...CLOCK, ...TIMED, ...LIGHT];
/** Files at once in the unit + integration + e2e group (one pool: vitest shares it within a group, and wants one count per group). */
const GROUP_WORKERS = 8;
/** The clock group's files at once; in the quiet group, the saturating file on one worker and the timed ones in turn on the other. */
const QUIET_WORKERS = 2;
/**
 * The longest files (about 25–75 s each here, in the order they take), started first so that
 * none of them is the last to begin: vitest would start the e2e project's files first (it
 * orders projects by name), then the largest files, and a long file started late made the
 * group's tail (a fresh clone has no timings of earlier runs to sort by). In the quiet group
 * the saturating file goes first, so the timing files take the other worker.
 */
const LONG_FIRST = [
  'test/e2e/chain-truth.test.ts',
  'test/integration/standalone.test.ts',
  'test/integration/master-eras.test.ts',
  'test/integration/tc-module.test.ts',
  'test/e2e/chain-truth-master.test.ts',
  'test/integration/endpoint-access.test.ts',
  'test/integration/secrets.test.ts',
  'test/e2e/locust-master.test.ts',
  'test/integration/transfer-faults.test.ts',
  'test/integration/eth-typed-test-cases.test.ts',
  'test/integration/value-transfer-modes.test.ts',
  'test/integration/processes.test.ts',
  'test/e2e/faults-master.test.ts',
  'test/integration/value-transfer.test.ts',
  'test/integration/node-signed-transfer.test.ts',
  'test/integration/contracts.test.ts',
  'test/integration/blockbench-test-cases.test.ts',
  'test/e2e/locust-weights.test.ts',
  'test/integration/env-config.test.ts',
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
      { test: { ...shared, name: 'clock', include: CLOCK, maxWorkers: QUIET_WORKERS, sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'timed', include: [...TIMED, ...LIGHT], maxWorkers: QUIET_WORKERS, sequence: { groupOrder: 1 } } },
      {
        test: {
          ...shared,
          name: 'unit',
          isolate: false,
          include: ['test/unit/**/*.test.ts'],
          exclude: TIMING,
          maxWorkers: GROUP_WORKERS,
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 2 },
        },
      },
      { test: { ...shared, name: 'saturating', include: SATURATING, maxWorkers: QUIET_WORKERS, sequence: { groupOrder: 1 } } },
    ],
  },
});

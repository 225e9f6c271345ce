import { relative } from 'node:path';

import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Five projects in three groups, run one after the other (sequence.groupOrder):
 * - timing: the tests that measure the real clock (the sub-millisecond timer, the limiters in
 *   real time, the user ramp, --max-rps held for 20 s): first, by themselves, so that what they measure is our timers
 *   and our rate, not a queue of six test files for two cores (there the smooth limiter's
 *   spacing bunched once, and a 50 rps cap reached 47 once);
 * - unit: pure code, no servers or child processes; integration: anvil, a mock master, fake
 *   nodes, the CLI as a child process, on loopback with free ports; e2e: a real Locust master,
 *   Chromium, network namespaces. One group, eight files at a time: each mostly waits on its
 *   servers or a run time (four integration files at once used 1.25 cores; the whole group
 *   about a third of the two), and their bounds
 *   are exact counts, generous deadlines and rates measured in their own clock windows;
 * - saturating: the runs that must outpace anvil and assert it (chain-truth: full blocks, a
 *   flooded pool): alone, so that their throughput bounds measure the worker, not its
 *   neighbours (beside them, the open loop once could not flood the pool in 30 s). The uncapped
 *   two-worker master run, whose bounds are counts, runs in the shared group.
 */
const root = new URL('..', import.meta.url).pathname;
const shared = { root, testTimeout: 60_000, hookTimeout: 60_000 };
const SATURATING = ['test/e2e/chain-truth.test.ts'];
const TIMING = ['test/unit/precise-timer.test.ts', 'test/unit/rate-limiter.test.ts', 'test/unit/user-pool.test.ts', 'test/integration/standalone.test.ts'];
/** Files at once in the unit + integration + e2e group (one pool: vitest shares it within a group). */
const GROUP_WORKERS = 8;
/**
 * The longest files of the shared group (about 25–75 s each here), started first so that
 * none of them is the last to begin: vitest would start the e2e project's files first (it
 * orders projects by name), then the largest files, and a long file started late made the
 * group's tail (a fresh clone has no timings of earlier runs to sort by).
 */
const LONG_FIRST = [
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
      { test: { ...shared, name: 'timing', include: TIMING, sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: TIMING, maxWorkers: GROUP_WORKERS, sequence: { groupOrder: 1 } } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: TIMING,
          maxWorkers: GROUP_WORKERS,
          sequence: { groupOrder: 1 },
        },
      },
      { test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: SATURATING, maxWorkers: GROUP_WORKERS, sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: 'saturating', include: SATURATING, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Three pools, run one after another (sequence.groupOrder):
 * - unit: pure code, no servers or child processes: every file in parallel;
 * - integration: anvil, a mock master, fake nodes, the CLI as a child process, on loopback
 *   with free ports: two files at a time (each mostly waits on its servers);
 * - e2e: a real Locust master, Chromium, network namespaces, saturating load: one file at a
 *   time, so their throughput and timing bounds hold on a two-core machine.
 */
const root = new URL('..', import.meta.url).pathname;
const shared = { root, testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    ...shared,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'integration', include: ['test/integration/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real servers (Locust, anvil) on loopback; running the files
    // one at a time keeps them from competing for the machine's two cores.
    fileParallelism: false,
  },
});

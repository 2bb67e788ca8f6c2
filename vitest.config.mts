import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real Temporal dev server for the whole run; each test file starts its own worker.
    globalSetup: ['test/support/global-setup.ts', 'test/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: run files two at a time so workers and the server are not starved.
    maxWorkers: 2,
    pool: 'forks',
  },
});

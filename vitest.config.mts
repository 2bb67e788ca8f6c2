import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real Temporal dev server for the whole run; each test file starts its own worker.
    globalSetup: ['test/support/global-setup.ts', 'test/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    // A condition awaited with expect.poll waits on real servers and processes: on a loaded
    // machine 1 s (vitest's default) is too short to say it never came.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 180_000,
    // Two cores: run files two at a time so workers and the server are not starved.
    maxWorkers: 2,
    pool: 'forks',
  },
});

/**
 * A baton worker in a child process, for tests that kill it (SIGKILL) or read everything it logs.
 *
 *   node --import tsx test/support/worker-process.ts
 *
 * It is the production worker runtime (`startWorkerRuntime`), configured only by the environment,
 * so a test exercises exactly what `src/worker.ts` runs:
 *
 * - `TEMPORAL_ADDRESS`, `BATON_TASK_QUEUE`: where to poll;
 * - `BATON_STORE_URL` (`file:/abs/dir`): the conversation store, shared with the test;
 * - `ANTHROPIC_BASE_URL`: the test's offline model (the worker's client is built by
 *   `createAnthropicClient` with that base URL); `ANTHROPIC_API_KEY` optionally;
 * - `BATON_WORKFLOW_BUNDLE`: the run's prebuilt workflow bundle, so the worker starts in a second;
 * - `BATON_LOG_LEVEL`: Temporal runtime log level (WARN by default).
 *
 * Once the worker polls it prints `WORKER_READY <pid>` on stdout; SIGTERM drains and exits 0.
 */
import { startWorkerRuntime } from '../../src/worker/worker-runtime';

/** The line a parent waits for before it sends the worker anything. */
export const WORKER_READY = 'WORKER_READY';

async function main(): Promise<void> {
  if (!process.env.ANTHROPIC_BASE_URL) {
    throw new Error('worker-process needs ANTHROPIC_BASE_URL (the test owns the offline model).');
  }
  const runtime = await startWorkerRuntime(process.env, (line) => console.log(line));
  try {
    const running = runtime.run();
    console.log(`${WORKER_READY} ${process.pid}`);
    await running;
  } finally {
    await runtime.shutdown();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`worker-process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}

/**
 * Runs a baton worker: `tsx src/worker.ts` (or `node dist/worker.js`). Configuration comes from
 * the environment; see the README's "Configuration" section.
 */
import { startWorkerRuntime } from './worker/worker-runtime';

export { createBatonWorker, type BatonWorkerOptions } from './worker/create-worker';
export { startWorkerRuntime, type WorkerRuntime } from './worker/worker-runtime';
export { createTokenCounter } from './worker/token-counter';

async function main(): Promise<void> {
  const runtime = await startWorkerRuntime(process.env, (line) => console.log(line));
  try {
    // Resolves after SIGINT/SIGTERM, which the SDK handles by draining in-flight tasks.
    await runtime.run();
  } finally {
    await runtime.shutdown();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`baton worker: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

/**
 * A baton worker alone in its own process, for the worker memory scenario. Started by
 * `WorkerChild` with `--expose-gc`; answers `measure` with `process.memoryUsage()` after a full GC,
 * and shuts down on `shutdown`, on SIGINT/SIGTERM, or when the parent goes away.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createAnthropicClient } from '../src/model';
import { FileConversationStore } from '../src/store';
import { createBatonWorker } from '../src/worker/create-worker';
import { createTokenCounter } from '../src/worker/token-counter';
import type { ChildMessage, ParentMessage, WorkerMemory, WorkerProcessConfig } from './worker-protocol';

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as WorkerProcessConfig;
  // The parent decides when this process stops, so the SDK must not act on signals by itself.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const store = new FileConversationStore({ root: config.storeDir });
  const connection = await NativeConnection.connect({ address: config.address });
  const anthropic = createAnthropicClient({ baseURL: config.modelBaseUrl });
  const worker = await createBatonWorker({
    connection,
    taskQueue: config.taskQueue,
    store,
    anthropic,
    countTokens: createTokenCounter('offline', anthropic),
    workflowBundle: { codePath: config.bundlePath },
    tuning: {
      maxCachedWorkflows: config.maxCachedWorkflows,
      maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions,
      shutdownGraceTime: '2 seconds',
      ...(config.debugMode ? { debugMode: true } : {}),
    },
  });
  const running = worker.run();

  const measure = async (): Promise<WorkerMemory> => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      // Twice, with a pause: the first pass frees objects whose finalizers release more.
      gc();
      await sleep(100);
      gc();
    }
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heap_used: m.heapUsed,
      heap_total: m.heapTotal,
      external: m.external,
      array_buffers: m.arrayBuffers,
      cached_workflows: worker.getStatus().numCachedWorkflows,
      after_gc: gc !== undefined,
    };
  };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await store.close();
      if (process.connected) process.disconnect();
    })());

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'shutdown') void stop();
    else if (message.type === 'measure') {
      measure().then(
        (memory) => send({ type: 'memory', memory }),
        (err: unknown) => send({ type: 'error', message: (err as Error).message }),
      );
    }
  });
  process.on('disconnect', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  send({ type: 'ready' });
  await running;
  await stop();
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  console.error(err);
  process.exitCode = 1;
  if (process.connected) process.disconnect();
});

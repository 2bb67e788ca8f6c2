/**
 * The system under test, started from nothing: a Temporal dev server (in memory, random ports, eager
 * activity dispatch on, as baton starts it everywhere), the offline model with no added latency in a
 * process of its own, a filesystem conversation store in a temp folder, a baton worker on its own
 * task queue (its store and token counter timed by {@link Probes}), and a BatonClient. The naive
 * baseline's and the Temporal floor's workers start on first use. Everything registers its own
 * shutdown with the {@link CleanupStack} the moment it exists.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { BatonClient } from '../src/client';
import { createAnthropicClient } from '../src/model';
import { FileConversationStore } from '../src/store';
import { startDevServer } from '../src/temporal/dev-server';
import { findOrBuildTemporalCli } from '../src/temporal/temporal-cli';
import { createBatonWorker } from '../src/worker/create-worker';
import { createTokenCounter } from '../src/worker/token-counter';
import { workflowBundleOptions } from '../src/worker/workflow-bundle';
import type { CleanupStack } from './cleanup';
import { createFloorWorker, FLOOR_WORKFLOWS_PATH } from './floor/floor-worker';
import { startModelProcess } from './model-process';
import { createNaiveWorker, NAIVE_WORKFLOWS_PATH } from './naive/naive-worker';
import { startOrphanGuard } from './orphan-guard';
import { Probes } from './probes';
import type { Progress } from './progress';
import { writeWorkflowBundle } from './workflow-bundle';

/** The worker settings the benchmark raises above the SDK defaults; recorded with the results. */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentActivityTaskExecutions: number;
}

export interface BenchStack {
  address: string;
  /** The dev server's process id, for CPU accounting. */
  serverPid: number | undefined;
  /** The offline model's process id, for CPU accounting (its time is the model's, not baton's). */
  modelPid: number | undefined;
  cliPath: string;
  /** Private folder of this run (stores, bundles, server log), removed at cleanup. */
  workDir: string;
  model: { baseURL: string };
  /** An SDK client for direct calls, built like the worker's (same factory, same base URL). */
  anthropic: Anthropic;
  baton: BatonClient;
  taskQueue: string;
  tuning: WorkerTuning;
  /** The baton workflow bundle, for workers in other processes. */
  batonBundlePath: string;
  /** Time spent in the worker's store and token counter, for the per-turn breakdown. */
  probes: Probes;
  /** The naive baseline worker's task queue; bundles and starts that worker on first call. */
  naiveTaskQueue(): Promise<string>;
  /** The Temporal floor's task queue (bench/floor/); bundles and starts its worker on first call. */
  floorTaskQueue(): Promise<string>;
}

export interface StartBenchStackOptions {
  tuning: WorkerTuning;
  cleanup: CleanupStack;
  progress: Progress;
  /** Aborted on Ctrl-C: start-up stops between steps instead of starting more things. */
  signal: AbortSignal;
}

/**
 * Starts the stack. On failure, whatever did start is already registered with `cleanup`.
 * @throws TemporalCliBuildError, DevServerStartError, or a worker creation error.
 */
export async function startBenchStack(options: StartBenchStackOptions): Promise<BenchStack> {
  const { cleanup, progress, signal } = options;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
  cleanup.defer('temp folder', () => fs.rmSync(workDir, { recursive: true, force: true }));

  const cliPath = await findOrBuildTemporalCli({ onProgress: progress });
  // The server starts alone, first: the event loop stays free while it does (so a Ctrl-C is
  // handled), and once its pid is known the orphan guard can stop it whatever happens to us.
  // Its cleanup is registered before it has started, so an interrupt during start-up stops it too.
  progress('starting the Temporal dev server (in memory, random ports)…');
  const serverStart = startDevServer({
    cliPath,
    headless: true,
    logFile: path.join(workDir, 'temporal.log'),
  });
  cleanup.defer('Temporal dev server', async () => (await serverStart.catch(() => undefined))?.stop());
  const server = await serverStart;
  if (server.pid !== undefined) startOrphanGuard(server.pid, workDir);
  signal.throwIfAborted();

  progress('starting the offline model and bundling the workflows…');
  const [modelResult, bundleResult] = await Promise.allSettled([
    startModelProcess(cleanup),
    writeWorkflowBundle(workflowBundleOptions(), path.join(workDir, 'baton-workflows.js')),
  ]);
  const model = settled(modelResult);
  const batonBundlePath = settled(bundleResult);
  signal.throwIfAborted();
  progress(`dev server at ${server.address}; offline model at ${model.baseURL}`);

  const storeDir = path.join(workDir, 'store');
  const store = new FileConversationStore({ root: storeDir });
  cleanup.defer('conversation store', () => store.close());
  const connection = await NativeConnection.connect({ address: server.address });
  cleanup.defer('worker connection', () => connection.close());
  signal.throwIfAborted();

  const workerAnthropic = createAnthropicClient({ baseURL: model.baseURL });
  const taskQueue = `bench-${randomUUID()}`;
  const probes = new Probes();
  const worker = await createBatonWorker({
    connection,
    taskQueue,
    store: probes.store(store),
    anthropic: workerAnthropic,
    countTokens: probes.counter(createTokenCounter('offline', workerAnthropic)),
    workflowBundle: { codePath: batonBundlePath },
    tuning: { ...options.tuning, shutdownGraceTime: '2 seconds' },
  });
  runWorker(worker, 'baton worker', cleanup);

  const baton = await BatonClient.connect({ address: server.address, taskQueue, env: {} });
  cleanup.defer('baton client', () => baton.close());
  await baton.waitForWorker(30_000);
  progress(`baton worker polling '${taskQueue}'`);

  let naive: Promise<string> | undefined;
  const startNaive = async (): Promise<string> => {
    progress('bundling bench/naive/workflows.ts and starting the naive baseline worker…');
    const bundlePath = await writeWorkflowBundle(
      { workflowsPath: NAIVE_WORKFLOWS_PATH },
      path.join(workDir, 'naive-workflows.js'),
    );
    const naiveQueue = `bench-naive-${randomUUID()}`;
    const naiveWorker = await createNaiveWorker({
      connection,
      taskQueue: naiveQueue,
      anthropic: createAnthropicClient({ baseURL: model.baseURL }),
      workflowBundle: { codePath: bundlePath },
    });
    runWorker(naiveWorker, 'naive baseline worker', cleanup);
    return naiveQueue;
  };

  let floor: Promise<string> | undefined;
  const startFloor = async (): Promise<string> => {
    progress('bundling bench/floor/workflows.ts and starting the Temporal floor worker…');
    const bundlePath = await writeWorkflowBundle(
      { workflowsPath: FLOOR_WORKFLOWS_PATH },
      path.join(workDir, 'floor-workflows.js'),
    );
    const floorQueue = `bench-floor-${randomUUID()}`;
    const floorWorker = await createFloorWorker({
      connection,
      taskQueue: floorQueue,
      workflowBundle: { codePath: bundlePath },
      tuning: options.tuning,
    });
    runWorker(floorWorker, 'floor worker', cleanup);
    return floorQueue;
  };

  return {
    address: server.address,
    serverPid: server.pid,
    modelPid: model.pid,
    cliPath,
    workDir,
    model,
    anthropic: createAnthropicClient({ baseURL: model.baseURL }),
    baton,
    taskQueue,
    tuning: options.tuning,
    batonBundlePath,
    probes,
    naiveTaskQueue: () => (naive ??= startNaive()),
    floorTaskQueue: () => (floor ??= startFloor()),
  };
}

/**
 * Runs a worker in the background and registers its shutdown. A worker that fails on its own
 * (it should not) is reported when the run is cleaned up, not left as an unhandled rejection.
 */
function runWorker(worker: Worker, label: string, cleanup: CleanupStack): void {
  let failure: Error | undefined;
  const running = worker.run().catch((err: unknown) => {
    failure = err instanceof Error ? err : new Error(String(err));
  });
  cleanup.defer(label, async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    if (failure !== undefined) throw failure;
  });
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') {
    throw result.reason instanceof Error ? result.reason : new Error(String(result.reason));
  }
  return result.value;
}

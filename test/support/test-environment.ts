/**
 * A baton stack for one test file, on the run's shared dev server: an offline model, a
 * filesystem store in a temp folder, a worker on its own task queue, and a connected BatonClient.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { BatonClient } from '../../src/client';
import { createAnthropicClient, OfflineModel } from '../../src/model';
import type { McpServerConfig } from '../../src/domain/mcp';
import type { ModelSpec } from '../../src/domain/models';
import { McpClientPool } from '../../src/mcp';
import { FileConversationStore } from '../../src/store';
import { WorkspaceHost } from '../../src/workspace';
import { createBatonWorker, createWorkspaceWorker } from '../../src/worker/create-worker';
import { createTokenCounter } from '../../src/worker/token-counter';

export interface TestEnvironment {
  baton: BatonClient;
  model: OfflineModel;
  store: FileConversationStore;
  storeDir: string;
  taskQueue: string;
  address: string;
  worker: Worker;
  /** The worker's workspaces (its own task queue and sandbox), when asked for with `workspaces: true`. */
  workspaces: WorkspaceHost | undefined;
  /** Environment a CLI child process needs to reach this stack. */
  cliEnv: NodeJS.ProcessEnv;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;

/** Worker logs at WARN: test output shows failures, not every state change. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export async function startTestEnvironment(
  options: {
    heartbeatIntervalMs?: number;
    /** How long a silent model stream may stay open before it is abandoned (default 120 s). */
    streamIdleTimeoutMs?: number;
    /** Used by the worker and the client (e.g. the encryption codec); default: Temporal's. */
    dataConverter?: DataConverter;
    /** MCP servers the worker offers sessions (real servers, started on first use). */
    mcpServers?: Record<string, McpServerConfig>;
    /** The worker's task queue (default: a new one per environment). */
    taskQueue?: string;
    /** Also run a workspace worker on its own task queue, with its state in a temp folder. */
    workspaces?: boolean;
    /** The offline model's table (served as its Models API); the built-in models by default. */
    models?: readonly ModelSpec[];
  } = {},
): Promise<TestEnvironment> {
  quietRuntime();
  const address = inject('temporalAddress');
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const model = await OfflineModel.start(options.models ? { models: options.models } : {});
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-store-'));
  const store = new FileConversationStore({ root: storeDir });
  const connection = await NativeConnection.connect({ address });
  const mcp = options.mcpServers ? new McpClientPool({ servers: options.mcpServers }) : undefined;
  const anthropic = createAnthropicClient({ apiKey: 'offline-test-key', baseURL: model.baseURL });
  const workspaces = options.workspaces
    ? await WorkspaceHost.create({
        stateDir: path.join(storeDir, '..', `${path.basename(storeDir)}-workspaces`),
        store,
        taskQueue: `${taskQueue}-workspace`,
      })
    : undefined;
  const worker = await createBatonWorker({
    connection,
    taskQueue,
    store,
    anthropic,
    countTokens: createTokenCounter('offline', anthropic),
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.streamIdleTimeoutMs ? { streamIdleTimeoutMs: options.streamIdleTimeoutMs } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(mcp ? { mcp } : {}),
    ...(workspaces ? { workspaces } : {}),
  });
  const workspaceWorker = workspaces
    ? await createWorkspaceWorker({
        connection,
        host: workspaces,
        ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
      })
    : undefined;
  const running = Promise.all([worker.run(), workspaceWorker?.run()]);
  const baton = await BatonClient.connect({
    address,
    taskQueue,
    uiUrl: inject('temporalUiUrl'),
    env: {},
    store,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
  // A worker that has just started takes a moment to show as a poller; tests start right away.
  await baton.waitForWorker();
  return {
    baton,
    model,
    store,
    storeDir,
    taskQueue,
    address,
    worker,
    workspaces,
    cliEnv: { TEMPORAL_ADDRESS: address, BATON_TASK_QUEUE: taskQueue, BATON_UI_URL: inject('temporalUiUrl') },
    async teardown() {
      await baton.close();
      worker.shutdown();
      if (workspaceWorker?.getState() === 'RUNNING') workspaceWorker.shutdown();
      await running;
      await connection.close();
      await store.close();
      await mcp?.close();
      await model.stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
      if (workspaces) fs.rmSync(workspaces.stateDir, { recursive: true, force: true });
    },
  };
}

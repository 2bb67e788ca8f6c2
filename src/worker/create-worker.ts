import type Anthropic from '@anthropic-ai/sdk';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createWorkspaceActivities, type TokenCounter } from '../activities';
import type { McpClientPool } from '../mcp';
import type { ModelCatalog } from '../model';
import type { ConversationStore } from '../store';
import type { WorkspaceHost } from '../workspace';
import { WORKFLOWS_PATH, workflowBundleOptions } from './workflow-bundle';

export interface BatonWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  store: ConversationStore;
  anthropic: Anthropic;
  countTokens: TokenCounter;
  /**
   * A prebuilt workflow bundle (tests build one per run, with `bundleBatonWorkflows`); otherwise the
   * worker bundles src/workflows with the same options.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Payload codecs (encryption) for everything the worker sends to and reads from Temporal; see
   * `createDataConverter`. Omitted: Temporal's default, unencrypted.
   */
  dataConverter?: DataConverter;
  heartbeatIntervalMs?: number;
  /** A model stream silent for this long is abandoned and retried (default 120 s). */
  streamIdleTimeoutMs?: number;
  /** Longest wait between two batches of streamed reply text, in ms (default 1 s). */
  streamBatchMs?: number;
  /** MCP servers whose tools sessions may use. */
  mcp?: McpClientPool;
  /** This worker's workspaces; run {@link createWorkspaceWorker} with the same host beside this worker. */
  workspaces?: WorkspaceHost;
  /** The model catalog; built from `anthropic` and the built-in table when omitted. */
  models?: ModelCatalog;
  /** Overrides for tuning (cache size, concurrency; debug mode runs workflows in the main thread). */
  tuning?: Pick<
    WorkerOptions,
    'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'shutdownGraceTime' | 'debugMode'
  >;
}

/** Creates (but does not run) a worker with baton's workflows and activities. */
export async function createBatonWorker(options: BatonWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : {
          workflowsPath: WORKFLOWS_PATH,
          bundlerOptions: { preloadModules: workflowBundleOptions().preloadModules ?? [] },
        }),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    activities: createActivities({
      store: options.store,
      anthropic: options.anthropic,
      countTokens: options.countTokens,
      ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
      ...(options.mcp ? { mcp: options.mcp } : {}),
      ...(options.models ? { models: options.models } : {}),
      ...(options.streamIdleTimeoutMs ? { streamIdleTimeoutMs: options.streamIdleTimeoutMs } : {}),
      ...(options.workspaces ? { workspaces: options.workspaces } : {}),
      ...(options.streamBatchMs ? { streamBatchMs: options.streamBatchMs } : {}),
    }),
    // Quick takeover of a killed worker's turn, and quick cancellation: a cancelled activity
    // learns of it from a heartbeat's answer. Each heartbeat reaches the server within a second
    // (the SDK would otherwise hold them back for 80 % of the 5 s heartbeat timeout, leaving no
    // slack). And the dead worker's sticky queue, which the server still counts as live for 10 s,
    // holds the workflow's next task for 1 s instead of 10 s before any worker may take it (a live
    // worker's poll is already waiting there, so this only ever delays a dead or jammed one).
    maxHeartbeatThrottleInterval: '1 second',
    stickyQueueScheduleToStartTimeout: '1 second',
    ...options.tuning,
  });
}

/** Options of {@link createWorkspaceWorker}. */
export interface WorkspaceWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  host: WorkspaceHost;
  dataConverter?: DataConverter;
}

/**
 * The second worker of a worker process: it polls the process's own task queue
 * (`host.taskQueue`) for the activities of the workspaces on this disk, and runs no workflows
 * (samples-typescript's worker-specific task queues).
 */
export async function createWorkspaceWorker(options: WorkspaceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.host.taskQueue,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    activities: createWorkspaceActivities({ host: options.host }),
    // A running command is killed on shutdown (its activity is cancelled); give that time to report.
    shutdownGraceTime: '30 seconds',
  });
}

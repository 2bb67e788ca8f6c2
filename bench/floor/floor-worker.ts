/**
 * The floor's worker: its own task queue and its own workflow bundle (built from
 * `bench/floor/workflows.ts`), tuned like baton's so that both take eager activity tasks alike.
 */
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createFloorActivities } from './activities';

/** Where the floor workflows are, for `bundleWorkflowCode`. */
export const FLOOR_WORKFLOWS_PATH = path.join(__dirname, 'workflows.ts');

export interface FloorWorkerOptions {
  connection: NativeConnection;
  taskQueue: string;
  /** A bundle of {@link FLOOR_WORKFLOWS_PATH}. */
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  tuning: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions'>;
}

/** Creates (but does not run) the floor worker. */
export async function createFloorWorker(options: FloorWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createFloorActivities(),
    shutdownGraceTime: '2 seconds',
    ...options.tuning,
  });
}

/**
 * A second worker, on its own task queue, that runs only the naive baseline, with its own workflow
 * bundle built from `bench/naive/workflows.ts`.
 */
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createNaiveActivities } from './activities';

/** Where the naive workflows are, for `bundleWorkflowCode`. */
export const NAIVE_WORKFLOWS_PATH = path.join(__dirname, 'workflows.ts');

export interface NaiveWorkerOptions {
  connection: NativeConnection;
  taskQueue: string;
  anthropic: Anthropic;
  /** A bundle of {@link NAIVE_WORKFLOWS_PATH}. */
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
}

/** Creates (but does not run) the naive baseline's worker. */
export async function createNaiveWorker(options: NaiveWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createNaiveActivities({ anthropic: options.anthropic }),
    shutdownGraceTime: '2 seconds',
  });
}

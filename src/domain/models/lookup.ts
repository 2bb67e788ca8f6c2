/**
 * The contract of model lookups: before a session starts, the client asks a worker (whose catalog
 * holds the Models API's answers, cached) which model it will run on. Lookups are updates on one
 * long-lived catalog workflow per task queue, started on first use (update-with-start), so a
 * refused model adds no workflow and changes nothing. Workflow-safe.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { ModelSpec } from './model-spec';

/** Workflow type of the model catalog (the exported function's name). */
export const MODEL_CATALOG_WORKFLOW_TYPE = 'modelCatalogWorkflow';

/** The catalog workflow's id for a task queue: one per queue, since each queue has its workers. */
export function modelCatalogWorkflowId(taskQueue: string): string {
  return `baton-model-catalog-${taskQueue}`;
}

/** What a session start asks the catalog. */
export interface ModelLookupRequest {
  /** A model id or a line (`sonnet`: its newest active model). */
  model: string;
  /** The summarizer's id or line; a cheaper model of the session model's family when absent. */
  summarizer_model?: string;
  /** Model definitions the client's `BATON_MODELS_FILE` adds (they override the worker's table). */
  models?: ModelSpec[];
}

/** The catalog's answer: the models to run on, and what the user should be told. */
export interface ModelLookupResult {
  model: ModelSpec;
  summarizer: ModelSpec;
  /** Lifecycle warnings (a deprecated model and its retirement date). */
  warnings: string[];
  /** Where the windows and lifecycles came from: the Models API, or the built-in table. */
  source: 'models_api' | 'table';
}

/** Resolves a model name for a session about to start. */
export const lookupModelsUpdate = defineUpdate<ModelLookupResult, [ModelLookupRequest]>('lookupModels');

/** Failure types of a lookup, for callers to match on. */
export const ModelFailureType = {
  UnknownModel: 'UnknownModel',
  RetiredModel: 'RetiredModel',
} as const;

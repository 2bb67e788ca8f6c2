/**
 * The contract of a model lookup: the client asks the worker (whose catalog knows the Models API's
 * answers) which model a session runs on, before the session exists. Workflow-safe.
 */
import type { ModelSpec } from './model-spec';

/** Workflow type of a model lookup (the exported function's name). */
export const MODEL_LOOKUP_WORKFLOW_TYPE = 'modelLookupWorkflow';

/** What a session start asks the catalog. */
export interface ModelLookupRequest {
  /** A model id or a line (`sonnet`: its newest active model). */
  model: string;
  /** The summarizer's id or line; a cheaper model of the session model's family when absent. */
  summarizer_model?: string;
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

/** Failure types of a lookup, for callers to match on. */
export const ModelFailureType = {
  UnknownModel: 'UnknownModel',
  RetiredModel: 'RetiredModel',
} as const;

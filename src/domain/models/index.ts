export { BUILTIN_MODELS, DEFAULT_MODEL_ID } from './builtin-models';
export { UnknownModelError, InvalidModelSpecError, RetiredModelError } from './errors';
export { validateModelSpec, minCacheableTokens, DEFAULT_MIN_CACHEABLE_TOKENS } from './model-spec';
export type { ModelPricing, ModelSpec, ModelLifecycle, ThinkingSupport } from './model-spec';
export {
  createModelRegistry,
  linesOf,
  newestOfLine,
  formatDate,
  lifecycleWarning,
  familyOf,
  defaultSummarizerModel,
} from './registry';
export type { ModelRegistry } from './registry';
export {
  MODEL_CATALOG_WORKFLOW_TYPE,
  modelCatalogWorkflowId,
  lookupModelsUpdate,
  ModelFailureType,
} from './lookup';
export type { ModelLookupRequest, ModelLookupResult } from './lookup';

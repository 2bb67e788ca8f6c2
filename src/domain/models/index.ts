export { BUILTIN_MODELS, DEFAULT_MODEL_ID, validateModelSpec, createModelRegistry } from './registry';
export type { ModelPricing, ModelSpec, ModelRegistry } from './registry';
export { InvalidModelSpecError, UnknownModelError } from './errors';

export {
  BUILTIN_MODELS,
  DEFAULT_MODEL_ID,
  UnknownModelError,
  InvalidModelSpecError,
  validateModelSpec,
  createModelRegistry,
} from './registry';
export type { ModelPricing, ModelSpec, ModelRegistry } from './registry';

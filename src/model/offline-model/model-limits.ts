import { BUILTIN_MODELS } from '../../domain/models';
import type { ModelSpec } from '../../domain/models';

/** The context window assumed for a model id the offline model does not know: today's common size. */
export const DEFAULT_CONTEXT_WINDOW = 200_000;

/** What the offline model enforces for one model id. */
export interface ModelLimits {
  context_window: number;
  /** `undefined` for unknown ids: their output limit is not checked. */
  max_output_tokens: number | undefined;
}

/** The model `modelId` names among `models` (built-in by default; the last match wins), if any. */
export function findModel(
  modelId: string,
  models: readonly ModelSpec[] = BUILTIN_MODELS,
): ModelSpec | undefined {
  return models.findLast((m) => m.id === modelId);
}

/**
 * Looks a model id up among `models` (the built-in registry by default). Unknown ids are accepted
 * with a {@link DEFAULT_CONTEXT_WINDOW}-token window, so tests can use any name they like.
 */
export function limitsFor(modelId: string, models: readonly ModelSpec[] = BUILTIN_MODELS): ModelLimits {
  // Last match wins, as in createModelRegistry, where configured models override built-in ones.
  const spec = models.findLast((m) => m.id === modelId);
  return spec
    ? { context_window: spec.context_window, max_output_tokens: spec.max_output_tokens }
    : { context_window: DEFAULT_CONTEXT_WINDOW, max_output_tokens: undefined };
}

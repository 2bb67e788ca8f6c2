/**
 * The model registry: context window, output limit and prices for each model baton knows.
 * Prices are USD per million tokens, as Anthropic publishes them.
 */

import { InvalidModelSpecError, UnknownModelError } from './errors';

export interface ModelPricing {
  input_per_mtok: number;
  output_per_mtok: number;
  cache_write_per_mtok: number;
  cache_read_per_mtok: number;
}

export interface ModelSpec {
  id: string;
  context_window: number;
  max_output_tokens: number;
  pricing: ModelPricing;
}

const sonnet: ModelPricing = {
  input_per_mtok: 3,
  output_per_mtok: 15,
  cache_write_per_mtok: 3.75,
  cache_read_per_mtok: 0.3,
};
const haiku: ModelPricing = {
  input_per_mtok: 1,
  output_per_mtok: 5,
  cache_write_per_mtok: 1.25,
  cache_read_per_mtok: 0.1,
};
const opus45: ModelPricing = {
  input_per_mtok: 5,
  output_per_mtok: 25,
  cache_write_per_mtok: 6.25,
  cache_read_per_mtok: 0.5,
};
const opus41: ModelPricing = {
  input_per_mtok: 15,
  output_per_mtok: 75,
  cache_write_per_mtok: 18.75,
  cache_read_per_mtok: 1.5,
};

/** Models built into baton. Add others with {@link createModelRegistry}. */
export const BUILTIN_MODELS: readonly ModelSpec[] = [
  // Budgeted at 200,000 tokens, the standard-price window; a models file can raise it.
  { id: 'claude-sonnet-4-6', context_window: 200_000, max_output_tokens: 64_000, pricing: sonnet },
  // Reaches end-of-life on 30 November 2026 (the SDK warns on every call); kept for existing sessions.
  { id: 'claude-sonnet-4-5', context_window: 200_000, max_output_tokens: 64_000, pricing: sonnet },
  { id: 'claude-haiku-4-5', context_window: 200_000, max_output_tokens: 64_000, pricing: haiku },
  { id: 'claude-opus-4-5', context_window: 200_000, max_output_tokens: 64_000, pricing: opus45 },
  { id: 'claude-opus-4-1', context_window: 200_000, max_output_tokens: 32_000, pricing: opus41 },
  // A deliberately small window, priced like Haiku, so that context pressure (summarization at 75 %,
  // rollover at 85 %) can be seen in a few dozen turns. Useful with the offline model.
  { id: 'baton-small-8k', context_window: 8_000, max_output_tokens: 1_024, pricing: haiku },
];

export const DEFAULT_MODEL_ID = 'claude-sonnet-4-6';

export interface ModelRegistry {
  /** Every model, built-in first, then configured ones (which may override a built-in id). */
  readonly models: readonly ModelSpec[];
  /** Looks a model up; throws {@link UnknownModelError} with the known ids when it is missing. */
  get(id: string): ModelSpec;
}

/**
 * Checks a model definition (for example one read from a models file) and returns it.
 * @throws InvalidModelSpecError naming the field that is wrong.
 */
export function validateModelSpec(value: unknown): ModelSpec {
  const where = (field: string) => `model definition ${JSON.stringify(value)?.slice(0, 80)}: ${field}`;
  if (typeof value !== 'object' || value === null)
    throw new InvalidModelSpecError('a model definition must be an object');
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(v.id)) {
    throw new InvalidModelSpecError(
      where("'id' must be a model name of letters, digits, '.', '_', ':' or '-'"),
    );
  }
  for (const field of ['context_window', 'max_output_tokens'] as const) {
    const n = v[field];
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
      throw new InvalidModelSpecError(where(`'${field}' must be a positive whole number`));
    }
  }
  if ((v.max_output_tokens as number) >= (v.context_window as number)) {
    throw new InvalidModelSpecError(where("'max_output_tokens' must be smaller than 'context_window'"));
  }
  const p = v.pricing as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null)
    throw new InvalidModelSpecError(where("'pricing' must be an object"));
  const pricing = {} as Record<keyof ModelPricing, number>;
  for (const field of [
    'input_per_mtok',
    'output_per_mtok',
    'cache_write_per_mtok',
    'cache_read_per_mtok',
  ] as const) {
    const n = p[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new InvalidModelSpecError(
        where(`'pricing.${field}' must be a number of USD per million tokens, 0 or more`),
      );
    }
    pricing[field] = n;
  }
  return {
    id: v.id,
    context_window: v.context_window as number,
    max_output_tokens: v.max_output_tokens as number,
    pricing,
  };
}

/**
 * Builds a registry from the built-in models plus configured ones.
 * @example createModelRegistry([{ id: 'my-model', context_window: 32000, max_output_tokens: 4096, pricing }])
 */
export function createModelRegistry(extra: readonly unknown[] = []): ModelRegistry {
  const byId = new Map<string, ModelSpec>();
  for (const m of BUILTIN_MODELS) byId.set(m.id, m);
  for (const m of extra.map(validateModelSpec)) byId.set(m.id, m);
  const models = [...byId.values()];
  return {
    models,
    get(id) {
      const found = byId.get(id);
      if (!found)
        throw new UnknownModelError(
          id,
          models.map((m) => m.id),
        );
      return found;
    },
  };
}

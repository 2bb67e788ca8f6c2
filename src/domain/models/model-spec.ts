/**
 * What baton knows about a model: its window and output limit (from the Models API when there is
 * a key, from the built-in table otherwise), its prices (always from the table: the API publishes
 * none), its line and lifecycle, and the prompt-caching and thinking rules that apply to it.
 */
import { InvalidModelSpecError } from './errors';

/** USD per million tokens, as Anthropic publishes them. */
export interface ModelPricing {
  input_per_mtok: number;
  output_per_mtok: number;
  /** Writing to the 5-minute cache (1.25 × input on every Claude model so far). */
  cache_write_per_mtok: number;
  cache_read_per_mtok: number;
  /** Writing to the 1-hour cache; 2 × input when omitted, as on every Claude model so far. */
  cache_write_1h_per_mtok?: number;
}

/** The Models API's lifecycle stages. */
export type ModelLifecycle = 'active' | 'deprecated' | 'retired';

/** Which `thinking` configurations a model accepts (the Models API's `capabilities.thinking.types`). */
export interface ThinkingSupport {
  /** `{type: 'enabled', budget_tokens}`: extended thinking with a budget. */
  enabled: boolean;
  /** `{type: 'adaptive'}`: the model decides how much to think. */
  adaptive: boolean;
}

export interface ModelSpec {
  id: string;
  /** The window baton budgets (the Models API's `max_input_tokens`, capped by the table). */
  context_window: number;
  /** The largest `max_tokens` the model takes. */
  max_output_tokens: number;
  /** Absent when baton has no price for the model: its cost is then reported as unknown. */
  pricing?: ModelPricing;
  /** The model line (`opus`, `sonnet`, `haiku`, …); `--model sonnet` picks the newest active one. */
  line?: string;
  lifecycle?: ModelLifecycle;
  /** ISO date of the release, to tell which model of a line is the newest. */
  released?: string;
  /** ISO date the model retires (scheduled for a deprecated model, past for a retired one). */
  retires_at?: string;
  /** Shortest prefix the prompt cache stores for this model; shorter ones are not cached. */
  min_cacheable_tokens?: number;
  thinking?: ThinkingSupport;
}

const PRICE_FIELDS = [
  'input_per_mtok',
  'output_per_mtok',
  'cache_write_per_mtok',
  'cache_read_per_mtok',
] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Checks a model definition (for example one read from a models file) and returns it. Only `id`,
 * `context_window` and `max_output_tokens` are required; a definition without `pricing` is
 * accepted and its cost is reported as unknown.
 * @throws InvalidModelSpecError naming the field that is wrong.
 */
export function validateModelSpec(value: unknown): ModelSpec {
  const where = (field: string) => `model definition ${JSON.stringify(value)?.slice(0, 80)}: ${field}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
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
  const spec: ModelSpec = {
    id: v.id,
    context_window: v.context_window as number,
    max_output_tokens: v.max_output_tokens as number,
  };
  if (v.pricing !== undefined) spec.pricing = validatePricing(v.pricing, where);
  if (v.line !== undefined) {
    if (typeof v.line !== 'string' || !/^[a-z][a-z0-9-]{0,39}$/.test(v.line))
      throw new InvalidModelSpecError(where("'line' must be a lowercase name such as 'sonnet'"));
    spec.line = v.line;
  }
  if (v.lifecycle !== undefined) {
    if (v.lifecycle !== 'active' && v.lifecycle !== 'deprecated' && v.lifecycle !== 'retired')
      throw new InvalidModelSpecError(where("'lifecycle' must be 'active', 'deprecated' or 'retired'"));
    spec.lifecycle = v.lifecycle;
  }
  for (const field of ['released', 'retires_at'] as const) {
    const d = v[field];
    if (d === undefined) continue;
    if (typeof d !== 'string' || !ISO_DATE.test(d))
      throw new InvalidModelSpecError(where(`'${field}' must be an ISO date such as 2026-11-30`));
    spec[field] = d;
  }
  if (v.min_cacheable_tokens !== undefined) {
    const n = v.min_cacheable_tokens;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      throw new InvalidModelSpecError(where("'min_cacheable_tokens' must be a positive whole number"));
    spec.min_cacheable_tokens = n;
  }
  if (v.thinking !== undefined) {
    const t = v.thinking as Record<string, unknown> | null;
    if (
      typeof t !== 'object' ||
      t === null ||
      typeof t.enabled !== 'boolean' ||
      typeof t.adaptive !== 'boolean'
    )
      throw new InvalidModelSpecError(
        where('\'thinking\' must be {"enabled": boolean, "adaptive": boolean}'),
      );
    spec.thinking = { enabled: t.enabled, adaptive: t.adaptive };
  }
  return spec;
}

function validatePricing(value: unknown, where: (field: string) => string): ModelPricing {
  if (typeof value !== 'object' || value === null)
    throw new InvalidModelSpecError(where("'pricing' must be an object"));
  const p = value as Record<string, unknown>;
  const price = (field: string): number => {
    const n = p[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new InvalidModelSpecError(
        where(`'pricing.${field}' must be a number of USD per million tokens, 0 or more`),
      );
    }
    return n;
  };
  const pricing = Object.fromEntries(PRICE_FIELDS.map((f) => [f, price(f)])) as unknown as ModelPricing;
  if (p.cache_write_1h_per_mtok !== undefined)
    pricing.cache_write_1h_per_mtok = price('cache_write_1h_per_mtok');
  return pricing;
}

/** The shortest prefix Anthropic caches when a model's own minimum is not known. */
export const DEFAULT_MIN_CACHEABLE_TOKENS = 1_024;

/** The shortest prefix the prompt cache stores for `model`. */
export function minCacheableTokens(model: Pick<ModelSpec, 'min_cacheable_tokens'>): number {
  return model.min_cacheable_tokens ?? DEFAULT_MIN_CACHEABLE_TOKENS;
}

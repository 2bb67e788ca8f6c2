/**
 * The worker's model catalog: what the Models API says about each model (window, output limit,
 * lifecycle, line, capabilities), merged with baton's price table, and cached in the worker so
 * that neither the API's answers nor the table travel through workflow history; a session gets
 * only the one resolved model it runs on.
 */
import type Anthropic from '@anthropic-ai/sdk';
import {
  createModelRegistry,
  defaultSummarizerModel,
  lifecycleWarning,
  type ModelLookupRequest,
  type ModelLookupResult,
  type ModelRegistry,
  type ModelSpec,
} from '../domain/models';

export interface ModelCatalogOptions {
  anthropic: Anthropic;
  /** The price table: built-in models plus `BATON_MODELS_FILE`. */
  table?: ModelRegistry;
  /** How long a successful Models API answer is reused (default 1 hour). */
  ttlMs?: number;
  /** How long to wait before asking again after the Models API failed (default 1 minute). */
  failureTtlMs?: number;
  now?: () => number;
}

/**
 * Models from the Models API (`models.list`, every lifecycle, all pages), each with the table's
 * price, prompt-cache minimum and window cap. Falls back to the table alone when the endpoint
 * cannot answer (a gateway without it, no network), and says so in the lookup's `source`.
 */
export class ModelCatalog {
  readonly #anthropic: Anthropic;
  readonly #table: ModelRegistry;
  readonly #ttlMs: number;
  readonly #failureTtlMs: number;
  readonly #now: () => number;
  #cached:
    { at: number; ttl: number; registry: ModelRegistry; source: ModelLookupResult['source'] } | undefined;
  #loading: Promise<{ registry: ModelRegistry; source: ModelLookupResult['source'] }> | undefined;

  constructor(options: ModelCatalogOptions) {
    this.#anthropic = options.anthropic;
    this.#table = options.table ?? createModelRegistry();
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    this.#failureTtlMs = options.failureTtlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Every model the catalog knows, newest first, and where they came from. */
  async models(): Promise<{ registry: ModelRegistry; source: ModelLookupResult['source'] }> {
    const cached = this.#cached;
    if (cached && this.#now() - cached.at < cached.ttl) return cached;
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  /**
   * Resolves a session's model and summarizer: ids or lines, lifecycle checked.
   * @throws UnknownModelError for a name neither the API nor the table knows.
   * @throws RetiredModelError for a retired model, naming the newest active model of its line.
   */
  async lookup(
    request: ModelLookupRequest,
    today = new Date(this.#now()).toISOString(),
  ): Promise<ModelLookupResult> {
    const { registry: known, source } = await this.models();
    // The client's models file, if it sent one, overrides what the worker knows.
    const registry = request.models?.length ? createModelRegistry(request.models, known.models) : known;
    const warnings: string[] = [];
    const check = (spec: ModelSpec) => {
      const warning = lifecycleWarning(spec, registry.models, today);
      if (warning) warnings.push(warning);
      return spec;
    };
    const model = check(registry.resolve(request.model));
    const summarizer =
      request.summarizer_model !== undefined
        ? check(registry.resolve(request.summarizer_model))
        : defaultSummarizerModel(model, registry.models);
    return { model, summarizer, warnings: [...new Set(warnings)], source };
  }

  async #load(): Promise<{ registry: ModelRegistry; source: ModelLookupResult['source'] }> {
    try {
      const infos: Anthropic.ModelInfo[] = [];
      for await (const info of this.#anthropic.models.list({
        lifecycle: ['active', 'deprecated', 'retired'],
        limit: 1000,
      })) {
        infos.push(info);
      }
      const registry = createModelRegistry([], mergeWithTable(infos, this.#table));
      this.#cached = { at: this.#now(), ttl: this.#ttlMs, registry, source: 'models_api' };
    } catch {
      // No Models API here (a gateway without it, the network down): the table is what there is.
      this.#cached = { at: this.#now(), ttl: this.#failureTtlMs, registry: this.#table, source: 'table' };
    }
    return this.#cached;
  }
}

/**
 * The Models API's models with the table's prices, prompt-cache minimums and window caps, then
 * the table's models the API does not list (baton's own, or a models file's). The API lists
 * newer models first; so does the result.
 */
export function mergeWithTable(infos: readonly Anthropic.ModelInfo[], table: ModelRegistry): ModelSpec[] {
  const byId = new Map(table.models.map((m) => [m.id, m]));
  const merged: ModelSpec[] = [];
  for (const info of infos) {
    const known = byId.get(info.id);
    byId.delete(info.id);
    const apiWindow = info.max_input_tokens ?? known?.context_window ?? 200_000;
    // The table may budget less than the API allows (a window priced higher past some size).
    const window = Math.min(apiWindow, known?.context_window ?? apiWindow);
    const output = Math.min(info.max_tokens ?? known?.max_output_tokens ?? 8_192, window - 1);
    const types = info.capabilities?.thinking.types;
    const line = info.line ?? known?.line;
    const spec: ModelSpec = {
      id: info.id,
      context_window: window,
      max_output_tokens: output,
      lifecycle: info.lifecycle,
      ...(known?.pricing ? { pricing: known.pricing } : {}),
      ...(line ? { line } : {}),
      ...(isRealDate(info.created_at) ? { released: info.created_at } : {}),
      ...(info.retires_at
        ? { retires_at: info.retires_at }
        : known?.retires_at
          ? { retires_at: known.retires_at }
          : {}),
      ...(known?.min_cacheable_tokens ? { min_cacheable_tokens: known.min_cacheable_tokens } : {}),
      ...(types
        ? { thinking: { enabled: types.enabled.supported, adaptive: types.adaptive.supported } }
        : known?.thinking
          ? { thinking: known.thinking }
          : {}),
    };
    merged.push(spec);
  }
  return [...merged, ...byId.values()];
}

// The API sends the epoch for an unknown release date.
function isRealDate(iso: string | null | undefined): iso is string {
  return !!iso && !iso.startsWith('1970-01-01');
}

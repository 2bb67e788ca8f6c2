/**
 * The model registry: finds a model by id or by line, says whether its lifecycle allows a new
 * session, and picks the cheaper model of the same family that summarizes for it.
 */
import { BUILTIN_MODELS } from './builtin-models';
import { RetiredModelError, UnknownModelError } from './errors';
import { validateModelSpec, type ModelSpec } from './model-spec';

export interface ModelRegistry {
  /** Every model: built-in first (newest first), then configured ones (which may override a built-in id). */
  readonly models: readonly ModelSpec[];
  /** Looks a model up by id; throws {@link UnknownModelError} with the known ids when it is missing. */
  get(id: string): ModelSpec;
  /**
   * A model by id, or by line (`sonnet`: the newest active model of that line).
   * @throws UnknownModelError naming the known ids and lines.
   */
  resolve(name: string): ModelSpec;
}

/**
 * Builds a registry from the built-in models plus configured ones (a configured model with a
 * built-in id replaces it in place, keeping the table's newest-first order).
 * @throws InvalidModelSpecError naming the field of a configured definition that is wrong.
 * @example createModelRegistry([{ id: 'my-model', context_window: 32000, max_output_tokens: 4096, pricing }])
 */
export function createModelRegistry(extra: readonly unknown[] = [], base = BUILTIN_MODELS): ModelRegistry {
  const byId = new Map<string, ModelSpec>();
  for (const m of base) byId.set(m.id, m);
  for (const m of extra.map(validateModelSpec)) byId.set(m.id, m);
  const models = [...byId.values()];
  return {
    models,
    get(id) {
      const found = byId.get(id);
      if (!found) throw unknown(id, models);
      return found;
    },
    resolve(name) {
      const found = byId.get(name) ?? newestOfLine(models, name.toLowerCase());
      if (!found) throw unknown(name, models);
      return found;
    },
  };
}

function unknown(name: string, models: readonly ModelSpec[]): UnknownModelError {
  return new UnknownModelError(
    name,
    models.map((m) => m.id),
    linesOf(models),
  );
}

/** The lines the registry has an active model of, in order of first appearance. */
export function linesOf(models: readonly ModelSpec[]): string[] {
  return [...new Set(models.filter((m) => m.line && isActive(m)).map((m) => m.line!))];
}

function isActive(m: ModelSpec): boolean {
  return (m.lifecycle ?? 'active') === 'active';
}

/**
 * The newest active model of a line: the latest `released` date (the Models API's `created_at`)
 * when the models have one, otherwise the first in the list (the SDK lists newer models first).
 */
export function newestOfLine(models: readonly ModelSpec[], line: string): ModelSpec | undefined {
  const candidates = models.filter((m) => m.line === line && isActive(m));
  return candidates.reduce<ModelSpec | undefined>((best, m) => {
    if (!best) return m;
    // A dated model beats an undated one (the table is undated; the Models API dates every model).
    if (m.released && (!best.released || m.released > best.released)) return m;
    return best;
  }, undefined);
}

/** `2026-11-30` → `30 November 2026` (workflow-safe: no locale data needed). */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  return `${d} ${months[(m ?? 1) - 1] ?? ''} ${y}`;
}

/**
 * What a session starting on `model` must be told about its lifecycle: nothing for an active
 * model, a warning with the retirement date for a deprecated one.
 * @param today ISO date, to tell a scheduled retirement from an overdue one.
 * @throws RetiredModelError for a retired model, naming the newest active model of its line.
 */
export function lifecycleWarning(
  model: ModelSpec,
  models: readonly ModelSpec[],
  today: string,
): string | undefined {
  const successor = model.line ? newestOfLine(models, model.line) : undefined;
  const instead = successor
    ? `${successor.id}, the newest active ${model.line} model (\`--model ${model.line}\`)`
    : 'an active model';
  if (model.lifecycle === 'retired') {
    const when = model.retires_at ? ` on ${formatDate(model.retires_at)}` : '';
    throw new RetiredModelError(
      model.id,
      `Model '${model.id}' was retired${when}: the API refuses requests naming it. Use ${instead}.`,
    );
  }
  if (model.lifecycle !== 'deprecated') return undefined;
  const date = model.retires_at;
  const when = !date
    ? 'is headed for retirement'
    : date.slice(0, 10) < today.slice(0, 10)
      ? `was due to retire on ${formatDate(date)} and may stop answering at any time`
      : `retires on ${formatDate(date)}`;
  return `Model '${model.id}' is deprecated and ${when}; consider ${instead}.`;
}

/**
 * The family of a model id: the Claude generation (`claude-opus-4-6` → `claude-4`), so that a
 * cheaper model of the same family can summarize for it. Undefined for ids without one.
 */
export function familyOf(id: string): string | undefined {
  const m = /^claude-[a-z]+-(\d+)(?:-\d+)?(?:-\d{8})?$/.exec(id);
  return m ? `claude-${m[1]}` : undefined;
}

/**
 * The model that summarizes for a session on `model` when none is chosen: the next cheaper
 * active, priced model of the same family (Opus → Sonnet → Haiku), or the session's own model
 * when the registry has no cheaper one.
 */
export function defaultSummarizerModel(model: ModelSpec, models: readonly ModelSpec[]): ModelSpec {
  const family = familyOf(model.id);
  const own = model.pricing?.input_per_mtok;
  if (!family || own === undefined) return model;
  const cheaper = models.filter(
    (m) =>
      familyOf(m.id) === family && isActive(m) && m.pricing !== undefined && m.pricing.input_per_mtok < own,
  );
  // The dearest of the cheaper ones: the closest in ability; the list's order breaks ties (newest first).
  return cheaper.reduce<ModelSpec>(
    (best, m) => (best === model || m.pricing!.input_per_mtok > best.pricing!.input_per_mtok ? m : best),
    model,
  );
}

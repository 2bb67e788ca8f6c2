/**
 * How a session's settings shape each model call: `max_tokens`, prompt caching, the budget note
 * and extended thinking. Pure, so the workflow can pass the result to the model activity as is.
 */
import type { ModelSpec } from '../models';
import type { CacheTtl, SessionSettings } from './settings';

/** `thinking` as the Messages API takes it. */
export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' };

export interface ModelCallOptions {
  max_tokens: number;
  /** Present when prompt caching is on: the TTL of its breakpoints. */
  cache_ttl?: CacheTtl;
  /** Tell the model its context budget (the note after the cached prefix). */
  budget_line?: boolean;
  thinking?: ThinkingConfig;
}

/**
 * The call options for a session on `model`. With a thinking budget, `max_tokens` grows by the
 * budget (thinking counts towards it, and the API wants the budget below it), within the
 * model's output limit. A model that takes only adaptive thinking gets `{type: 'adaptive'}`,
 * its spending bounded by the same `max_tokens`.
 */
export function modelCallOptions(settings: SessionSettings, model: ModelSpec): ModelCallOptions {
  const base = Math.min(settings.max_output_tokens, model.max_output_tokens);
  const options: ModelCallOptions = { max_tokens: base };
  if (settings.prompt_caching ?? true) options.cache_ttl = settings.cache_ttl ?? '5m';
  if (settings.budget_line ?? true) options.budget_line = true;
  const budget = settings.thinking_budget;
  if (budget !== undefined) {
    options.max_tokens = Math.min(model.max_output_tokens, base + budget);
    const support = model.thinking ?? { enabled: true, adaptive: false };
    options.thinking = support.enabled
      ? { type: 'enabled', budget_tokens: Math.min(budget, options.max_tokens - 1) }
      : { type: 'adaptive' };
  }
  return options;
}

/**
 * Why a thinking budget cannot be used with `model`, or undefined when it can.
 * @example thinkingProblem({ thinking_budget: 2048 }, haiku) // undefined
 */
export function thinkingProblem(
  settings: Pick<SessionSettings, 'thinking_budget'>,
  model: ModelSpec,
): string | undefined {
  const budget = settings.thinking_budget;
  if (budget === undefined) return undefined;
  const support = model.thinking;
  if (support && !support.enabled && !support.adaptive) {
    return `${model.id} does not support extended thinking; leave out --thinking or choose another model.`;
  }
  if (support?.enabled !== false && budget >= model.max_output_tokens) {
    return (
      `A thinking budget of ${budget.toLocaleString('en-US')} tokens does not fit the ${model.max_output_tokens.toLocaleString('en-US')}-token ` +
      `output limit of ${model.id} (the budget must stay below max_tokens): choose a smaller budget.`
    );
  }
  return undefined;
}

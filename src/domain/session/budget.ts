/**
 * Budget maths. Two numbers are kept apart on purpose: *context fill* (how full the window is
 * now, from the last response's usage) and *cumulative* consumption (what the session has used
 * and paid for over its whole life, across rollovers).
 */
import type { ModelSpec } from '../models';
import type { Usage } from './usage';

/** Tokens and cost a session has consumed over its whole life. */
export interface CumulativeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Of the cache writes, those to the 1-hour cache. */
  cache_creation_1h_input_tokens?: number;
  /** Of the output, the tokens spent on extended thinking. */
  thinking_tokens?: number;
  /** Tokens used on models baton has no price for: `cost_usd` leaves them out, so the cost is a floor. */
  unpriced_tokens?: number;
  cost_usd: number;
}

export const ZERO_CUMULATIVE: CumulativeUsage = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cost_usd: 0,
});

/** How full the context window is. */
export interface TokenBudget {
  total: number;
  used: number;
  available: number;
  /** `used / total` as a percentage with one decimal. */
  position_percent: number;
}

/**
 * Context fill after a response: everything the model saw plus what it wrote, since the reply
 * becomes part of the next request's context.
 */
export function contextFill(usage: Usage): number {
  return (
    usage.input_tokens +
    usage.cache_read_input_tokens +
    usage.cache_creation_input_tokens +
    usage.output_tokens
  );
}

/**
 * USD cost of one call's usage at the model's prices: uncached input, output, cache writes (5-minute
 * and 1-hour at their own prices) and cache reads. 0 for a model without a price (see
 * {@link isPriced}): the caller reports such a cost as unknown, never as a guess.
 */
export function costOf(usage: Usage, model: Pick<ModelSpec, 'pricing'>): number {
  const p = model.pricing;
  if (!p) return 0;
  const oneHour = usage.cache_creation_1h_input_tokens ?? 0;
  const usd =
    (usage.input_tokens * p.input_per_mtok +
      usage.output_tokens * p.output_per_mtok +
      (usage.cache_creation_input_tokens - oneHour) * p.cache_write_per_mtok +
      oneHour * (p.cache_write_1h_per_mtok ?? 2 * p.input_per_mtok) +
      usage.cache_read_input_tokens * p.cache_read_per_mtok) /
    1_000_000;
  return roundUsd(usd);
}

/** True when baton has a price for the model, so its cost can be computed. */
export function isPriced(model: Pick<ModelSpec, 'pricing'>): boolean {
  return model.pricing !== undefined;
}

/** Adds one call's usage (and its cost) to the running totals. */
export function addUsage(
  total: CumulativeUsage,
  usage: Usage,
  model: Pick<ModelSpec, 'pricing'>,
): CumulativeUsage {
  const oneHour = (total.cache_creation_1h_input_tokens ?? 0) + (usage.cache_creation_1h_input_tokens ?? 0);
  const thinking = (total.thinking_tokens ?? 0) + (usage.thinking_tokens ?? 0);
  const unpriced = (total.unpriced_tokens ?? 0) + (isPriced(model) ? 0 : usageTokens(usage));
  return {
    input_tokens: total.input_tokens + usage.input_tokens,
    output_tokens: total.output_tokens + usage.output_tokens,
    cache_creation_input_tokens: total.cache_creation_input_tokens + usage.cache_creation_input_tokens,
    cache_read_input_tokens: total.cache_read_input_tokens + usage.cache_read_input_tokens,
    ...(oneHour > 0 ? { cache_creation_1h_input_tokens: oneHour } : {}),
    ...(thinking > 0 ? { thinking_tokens: thinking } : {}),
    ...(unpriced > 0 ? { unpriced_tokens: unpriced } : {}),
    cost_usd: roundUsd(total.cost_usd + costOf(usage, model)),
  };
}

function usageTokens(u: Usage): number {
  return u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
}

/** The budget of a window of `total` tokens of which `used` are filled. */
export function tokenBudget(used: number, total: number): TokenBudget {
  const clamped = Math.max(0, used);
  return {
    total,
    used: clamped,
    available: Math.max(0, total - clamped),
    position_percent: total > 0 ? Math.round((clamped / total) * 1000) / 10 : 0,
  };
}

/** Total tokens of a cumulative record (input of every kind plus output). */
export function cumulativeTokens(c: CumulativeUsage): number {
  return c.input_tokens + c.output_tokens + c.cache_creation_input_tokens + c.cache_read_input_tokens;
}

/** Rounds to the nano-dollar. */
// Nano-dollar precision: exact for every published price (cents per million tokens), and it keeps
// long sums free of float noise such as 0.30000000000000004.
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

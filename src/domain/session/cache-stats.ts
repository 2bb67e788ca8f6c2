/**
 * Prompt-cache figures for a call or a whole session: how much of the input came from the cache,
 * and what the input side cost against what the same tokens would have cost without caching.
 */
import type { ModelSpec } from '../models';
import { roundUsd } from './budget';
import type { Usage } from './usage';

export interface CacheStats {
  /** Input tokens read from the cache. */
  read_tokens: number;
  /** Input tokens written to the cache. */
  write_tokens: number;
  /** Input tokens neither read from nor written to the cache. */
  uncached_tokens: number;
  /** `read / (read + write + uncached)`, 0 to 1 (three decimals); 0 when there was no input. */
  hit_rate: number;
  /** What the input side cost: uncached input, cache writes and cache reads. Absent without a price. */
  input_cost_usd?: number;
  /** What the same input tokens would have cost without caching. Absent without a price. */
  uncached_input_cost_usd?: number;
}

/**
 * Cache figures of some usage (one call's, or cumulative). With the model's prices it adds the
 * input side's cost and what it would have cost uncached, so the saving can be shown.
 * @example cacheStats({ input_tokens: 100, cache_read_input_tokens: 900, cache_creation_input_tokens: 0, output_tokens: 50 }).hit_rate // 0.9
 */
export function cacheStats(usage: Usage, model?: Pick<ModelSpec, 'pricing'>): CacheStats {
  const read = usage.cache_read_input_tokens;
  const write = usage.cache_creation_input_tokens;
  const uncached = usage.input_tokens;
  const total = read + write + uncached;
  const stats: CacheStats = {
    read_tokens: read,
    write_tokens: write,
    uncached_tokens: uncached,
    hit_rate: total > 0 ? Math.round((read / total) * 1000) / 1000 : 0,
  };
  const p = model?.pricing;
  if (p) {
    const oneHour = usage.cache_creation_1h_input_tokens ?? 0;
    stats.input_cost_usd = roundUsd(
      (uncached * p.input_per_mtok +
        (write - oneHour) * p.cache_write_per_mtok +
        oneHour * (p.cache_write_1h_per_mtok ?? 2 * p.input_per_mtok) +
        read * p.cache_read_per_mtok) /
        1_000_000,
    );
    stats.uncached_input_cost_usd = roundUsd((total * p.input_per_mtok) / 1_000_000);
  }
  return stats;
}

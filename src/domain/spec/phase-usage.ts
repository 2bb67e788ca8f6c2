/** What a SPEC phase's model calls used, added up call by call. */
import { cacheStats, roundUsd, type Usage } from '../session';
import type { PhaseRecord } from './contract';

/**
 * Adds one call's usage to a phase: its tokens (uncached input, cache writes and reads, output),
 * its cost, and its prompt-cache figures.
 */
export function addPhaseUsage(phase: PhaseRecord, usage: Usage, costUsd: number): void {
  phase.tokens +=
    usage.input_tokens +
    usage.cache_creation_input_tokens +
    usage.cache_read_input_tokens +
    usage.output_tokens;
  phase.cost_usd = roundUsd(phase.cost_usd + costUsd);
  const before = phase.cache;
  phase.cache = cacheStats({
    input_tokens: (before?.uncached_tokens ?? 0) + usage.input_tokens,
    cache_creation_input_tokens: (before?.write_tokens ?? 0) + usage.cache_creation_input_tokens,
    cache_read_input_tokens: (before?.read_tokens ?? 0) + usage.cache_read_input_tokens,
    output_tokens: 0,
  });
}

/**
 * The built-in model table: the models the installed `@anthropic-ai/sdk` names, newest first as
 * the SDK lists them, with the prices Anthropic publishes (USD per million tokens; the Models API
 * has none). With an API key the window, output limit, lifecycle and capabilities come from the
 * Models API and this table only adds prices and the prompt-cache minimum; offline it is all
 * baton has, and the offline model serves `GET /v1/models` from it.
 *
 * A model whose price Anthropic has not published (or publishes only as a range) has no
 * `pricing`: sessions on it work and report their cost as unknown rather than a guess.
 */
import type { ModelPricing, ModelSpec, ThinkingSupport } from './model-spec';

/** Published prices: input, output, 5-minute cache write, 1-hour cache write, cache read. */
function price(input: number, output: number, write5m: number, write1h: number, read: number): ModelPricing {
  return {
    input_per_mtok: input,
    output_per_mtok: output,
    cache_write_per_mtok: write5m,
    cache_write_1h_per_mtok: write1h,
    cache_read_per_mtok: read,
  };
}

const budgetThinking: ThinkingSupport = { enabled: true, adaptive: false };
const bothThinking: ThinkingSupport = { enabled: true, adaptive: true };
// Manual budgets are deprecated (Sonnet/Opus 4.6: the SDK warns) or refused (5.x: a 400).
const adaptiveThinking: ThinkingSupport = { enabled: false, adaptive: true };

const M = 1_000_000;

/** Models built into baton. Add others, or override these, with a models file (BATON_MODELS_FILE). */
// prettier-ignore
export const BUILTIN_MODELS: readonly ModelSpec[] = [
  { id: 'claude-fable-5-2', line: 'fable', context_window: M, max_output_tokens: 128_000, min_cacheable_tokens: 512, thinking: adaptiveThinking },
  { id: 'claude-mythos-5-2', line: 'mythos', context_window: M, max_output_tokens: 128_000, min_cacheable_tokens: 512, thinking: adaptiveThinking },
  // Published only as "from $0.10 / $0.50" (tiered), so no single price: cost shows as unknown.
  { id: 'claude-haiku-5-5', line: 'haiku', context_window: M, max_output_tokens: 128_000, thinking: adaptiveThinking },
  { id: 'claude-sonnet-5-5', line: 'sonnet', context_window: M, max_output_tokens: 128_000, pricing: price(2, 10, 2.5, 4, 0.2), thinking: adaptiveThinking },
  { id: 'claude-fable-5-1', line: 'fable', context_window: M, max_output_tokens: 128_000, pricing: price(10, 50, 12.5, 20, 1), min_cacheable_tokens: 512, thinking: adaptiveThinking },
  { id: 'claude-opus-5-5', line: 'opus', context_window: M, max_output_tokens: 128_000, pricing: price(4, 20, 5, 8, 0.2), min_cacheable_tokens: 512, thinking: adaptiveThinking },
  { id: 'claude-mythos-5-1', line: 'mythos', context_window: M, max_output_tokens: 128_000, min_cacheable_tokens: 512, thinking: adaptiveThinking },
  { id: 'claude-sonnet-5', line: 'sonnet', context_window: M, max_output_tokens: 128_000, pricing: price(2, 10, 2.5, 4, 0.2), thinking: adaptiveThinking },
  { id: 'claude-fable-5', line: 'fable', context_window: M, max_output_tokens: 128_000, min_cacheable_tokens: 512, thinking: adaptiveThinking },
  { id: 'claude-mythos-5', line: 'mythos', context_window: M, max_output_tokens: 128_000, min_cacheable_tokens: 512, thinking: adaptiveThinking },
  { id: 'claude-opus-5', line: 'opus', context_window: M, max_output_tokens: 128_000, pricing: price(5, 25, 6.25, 10, 0.5), min_cacheable_tokens: 512, thinking: adaptiveThinking },
  // Windows of the two below are the 4.6 generation's until the Models API says otherwise.
  { id: 'claude-opus-4-8', line: 'opus', context_window: M, max_output_tokens: 128_000, thinking: bothThinking },
  { id: 'claude-opus-4-7', line: 'opus', context_window: M, max_output_tokens: 128_000, min_cacheable_tokens: 4_096, thinking: bothThinking },
  { id: 'claude-mythos-preview', line: 'mythos', context_window: M, max_output_tokens: 128_000, lifecycle: 'deprecated', retires_at: '2026-06-30', thinking: adaptiveThinking },
  { id: 'claude-opus-4-6', line: 'opus', context_window: M, max_output_tokens: 128_000, pricing: price(5, 25, 6.25, 10, 0.5), min_cacheable_tokens: 4_096, thinking: adaptiveThinking },
  // Budgeted at 200,000 tokens as before (the window it was priced at when baton adopted it);
  // a models file can raise it to the full 1,000,000.
  { id: 'claude-sonnet-4-6', line: 'sonnet', context_window: 200_000, max_output_tokens: 64_000, pricing: price(3, 15, 3.75, 6, 0.3), min_cacheable_tokens: 2_048, thinking: adaptiveThinking },
  { id: 'claude-haiku-4-5', line: 'haiku', context_window: 200_000, max_output_tokens: 64_000, pricing: price(1, 5, 1.25, 2, 0.1), min_cacheable_tokens: 4_096, thinking: budgetThinking },
  // Deprecated (the SDK's own list gives the end-of-life dates); kept for existing sessions.
  { id: 'claude-opus-4-5', line: 'opus', context_window: 200_000, max_output_tokens: 64_000, pricing: price(5, 25, 6.25, 10, 0.5), lifecycle: 'deprecated', retires_at: '2027-01-22', min_cacheable_tokens: 4_096, thinking: budgetThinking },
  { id: 'claude-sonnet-4-5', line: 'sonnet', context_window: 200_000, max_output_tokens: 64_000, pricing: price(3, 15, 3.75, 6, 0.3), lifecycle: 'deprecated', retires_at: '2026-11-30', min_cacheable_tokens: 1_024, thinking: budgetThinking },
  // A deliberately small window, priced like Haiku 4.5, so that context pressure (summarization at
  // 75 %, rollover at 85 %) can be seen in a few dozen turns. Useful with the offline model.
  { id: 'baton-small-8k', context_window: 8_000, max_output_tokens: 1_024, pricing: price(1, 5, 1.25, 2, 0.1), min_cacheable_tokens: 1_024, thinking: bothThinking },
];

export const DEFAULT_MODEL_ID = 'claude-sonnet-4-6';

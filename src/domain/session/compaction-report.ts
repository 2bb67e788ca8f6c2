/** What a compaction did, as `status` and the `compact` update report it. */
import type { Usage } from './usage';

/**
 * The first turn after the context changed under the prompt cache (a compaction or a rollover
 * writes a new conversation, so that turn reads little from the cache and writes much): what it
 * used and cost, so the price of compacting is visible.
 */
export interface TurnCost {
  turn: number;
  usage: Usage;
  cost_usd: number;
  /** Share of its input read from the prompt cache, 0 to 1. */
  cache_hit_rate: number;
}

export type CompactionMode = 'progressive' | 'aggressive';
export type CompactionTrigger = 'threshold' | 'manual' | 'rollover' | 'handoff' | 'phase';

export interface CompactionReport {
  number: number;
  mode: CompactionMode;
  trigger: CompactionTrigger;
  /** ISO time (workflow time). */
  time: string;
  status: 'committed' | 'nothing_to_do' | 'failed';
  /** Input tokens of the context before and after, as counted (API or tokenizer), not estimated. */
  tokens_before: number;
  tokens_after: number;
  tokens_freed: number;
  /** tokens_before / tokens_after (how many times smaller the context became). */
  compression_ratio: number;
  /** Messages kept verbatim (critical items and recent turns). */
  kept: number;
  /** Messages folded into the summary (earlier summaries included). */
  summarized: number;
  /** Temporary items replaced by stubs. */
  dropped: number;
  /** Decision lines carried forward verbatim. */
  decisions_carried: number;
  /**
   * Of those, the lines the model's summary had dropped and that were put back verbatim after it
   * (every summary is checked). Absent in reports from before this check existed.
   */
  decisions_restored?: number;
  /** How many summarizer calls it took (more than one when the history did not fit one window). */
  summarizer_calls: number;
  head_before: string | null;
  head_after: string | null;
  /** Why it failed; the session kept `head_before`. */
  error?: string;
  /** The first turn after this compaction (committed ones only), once it has run. */
  first_turn_after?: TurnCost;
  /** With MCP servers: tool-definition tokens each request carries now. */
  mcp_tool_tokens_per_request?: number;
  /** With MCP servers: tokens per request freed by disabling idle servers, over the session's life. */
  mcp_tokens_freed_by_idle?: number;
}

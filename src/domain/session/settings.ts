/** Per-session settings, validated when a session starts. */
import { InvalidModelSpecError, validateModelSpec, type ModelSpec } from '../models';

/** How long a prompt-cache entry lives after its last use: Anthropic's two TTLs. */
export type CacheTtl = '5m' | '1h';

import { InvalidSessionSettingsError } from './errors';

export interface SessionSettings {
  /** Context fill (percent) at which the next turn first runs progressive summarization. */
  summarize_at_percent: number;
  /** Context fill (percent) at which the session checkpoints and rolls over (continue-as-new). */
  rollover_at_percent: number;
  /** How many of the most recent turns compaction keeps verbatim. */
  keep_recent_turns: number;
  /** `max_tokens` of each model call; capped by the model's own output limit. */
  max_output_tokens: number;
  /** Roll over when the run's history reaches this many events (Temporal's hard limit is 51,200). */
  rollover_history_events: number;
  /** Roll over when the run's history reaches this many bytes (Temporal's hard limit is 50 MB). */
  rollover_history_bytes: number;
  /** Most tool-use rounds in one turn before the model must answer without tools. */
  max_tool_rounds: number;
  /** Longest tool result given back to the model, in characters (longer ones are truncated). */
  max_tool_result_chars: number;
  /** An MCP server unused for this long (workflow time, ms) is disabled for the session. */
  mcp_idle_ms: number;
  /**
   * Prompt caching: breakpoints on the tools, the system prompt and the conversation's last
   * messages, so each turn reads everything before it from the cache. On by default.
   */
  prompt_caching?: boolean;
  /** How long cache entries live: `5m` (default; writes cost 1.25 × input) or `1h` (2 × input). */
  cache_ttl?: CacheTtl;
  /**
   * Tell the model its budget: a short note after the cached prefix with the context tokens used
   * and available after the last turn. On by default.
   */
  budget_line?: boolean;
  /** Extended thinking with this many tokens of budget per call (1,024 or more); off when absent. */
  thinking_budget?: number;
  /**
   * The model that writes summaries when the context is compacted; a cheaper model of the same
   * family by default (resolved by the client, so the worker needs no registry).
   */
  summarizer_model?: ModelSpec;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = Object.freeze<SessionSettings>({
  summarize_at_percent: 75,
  rollover_at_percent: 85,
  keep_recent_turns: 4,
  max_output_tokens: 4_096,
  rollover_history_events: 10_000,
  rollover_history_bytes: 10 * 1024 * 1024,
  max_tool_rounds: 8,
  max_tool_result_chars: 20_000,
  mcp_idle_ms: 60 * 60 * 1000,
  prompt_caching: true,
  cache_ttl: '5m',
  budget_line: true,
});

/** The smallest thinking budget the API accepts. */
export const MIN_THINKING_BUDGET = 1_024;

/**
 * Fills in defaults and checks the rules: 0 < summarize < rollover < 100, whole numbers where
 * counts are meant.
 * @throws InvalidSessionSettingsError naming the setting that is wrong.
 */
export function resolveSessionSettings(partial: Partial<SessionSettings> = {}): SessionSettings {
  const s: SessionSettings = { ...DEFAULT_SESSION_SETTINGS, ...stripUndefined(partial) };
  const percent = (name: 'summarize_at_percent' | 'rollover_at_percent') => {
    const v = s[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 100) {
      throw new InvalidSessionSettingsError(
        `${name} must be a number between 0 and 100 (exclusive), got ${String(v)}`,
      );
    }
  };
  percent('summarize_at_percent');
  percent('rollover_at_percent');
  if (s.summarize_at_percent >= s.rollover_at_percent) {
    throw new InvalidSessionSettingsError(
      `summarize_at_percent (${s.summarize_at_percent}) must be below rollover_at_percent (${s.rollover_at_percent})`,
    );
  }
  if (!Number.isInteger(s.keep_recent_turns) || s.keep_recent_turns < 0) {
    throw new InvalidSessionSettingsError(
      `keep_recent_turns must be a whole number, 0 or more, got ${s.keep_recent_turns}`,
    );
  }
  if (!Number.isInteger(s.rollover_history_events) || s.rollover_history_events < 20) {
    throw new InvalidSessionSettingsError(
      `rollover_history_events must be a whole number, 20 or more, got ${s.rollover_history_events}`,
    );
  }
  if (!Number.isInteger(s.rollover_history_bytes) || s.rollover_history_bytes < 1_000) {
    throw new InvalidSessionSettingsError(
      `rollover_history_bytes must be a whole number, 1000 or more, got ${s.rollover_history_bytes}`,
    );
  }
  if (!Number.isInteger(s.max_tool_rounds) || s.max_tool_rounds < 1 || s.max_tool_rounds > 100) {
    throw new InvalidSessionSettingsError(
      `max_tool_rounds must be a whole number from 1 to 100, got ${s.max_tool_rounds}`,
    );
  }
  if (!Number.isInteger(s.max_tool_result_chars) || s.max_tool_result_chars < 1_000) {
    throw new InvalidSessionSettingsError(
      `max_tool_result_chars must be a whole number, 1000 or more, got ${s.max_tool_result_chars}`,
    );
  }
  if (!Number.isInteger(s.mcp_idle_ms) || s.mcp_idle_ms < 1_000) {
    throw new InvalidSessionSettingsError(
      `mcp_idle_ms must be a whole number of milliseconds, 1000 or more, got ${s.mcp_idle_ms}`,
    );
  }
  if (s.prompt_caching !== undefined && typeof s.prompt_caching !== 'boolean') {
    throw new InvalidSessionSettingsError(
      `prompt_caching must be true or false, got ${String(s.prompt_caching)}`,
    );
  }
  if (s.budget_line !== undefined && typeof s.budget_line !== 'boolean') {
    throw new InvalidSessionSettingsError(`budget_line must be true or false, got ${String(s.budget_line)}`);
  }
  if (s.cache_ttl !== undefined && s.cache_ttl !== '5m' && s.cache_ttl !== '1h') {
    throw new InvalidSessionSettingsError(`cache_ttl must be '5m' or '1h', got ${String(s.cache_ttl)}`);
  }
  if (s.thinking_budget !== undefined) {
    if (!Number.isInteger(s.thinking_budget) || s.thinking_budget < MIN_THINKING_BUDGET) {
      throw new InvalidSessionSettingsError(
        `thinking_budget must be a whole number of tokens, ${MIN_THINKING_BUDGET} or more (the API's minimum), got ${s.thinking_budget}`,
      );
    }
  }
  if (s.summarizer_model !== undefined) {
    try {
      s.summarizer_model = validateModelSpec(s.summarizer_model);
    } catch (err) {
      if (err instanceof InvalidModelSpecError)
        throw new InvalidSessionSettingsError(`summarizer_model: ${err.message}`);
      throw err;
    }
  }
  if (!Number.isInteger(s.max_output_tokens) || s.max_output_tokens < 1) {
    throw new InvalidSessionSettingsError(
      `max_output_tokens must be a whole number, 1 or more, got ${s.max_output_tokens}`,
    );
  }
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

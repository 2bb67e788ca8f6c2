/**
 * When a session must act on context pressure. Pure: the workflow calls these with numbers from
 * the API's usage and Temporal's history info.
 */
import type { SessionSettings } from './settings';

export type RolloverReason =
  'context_fill' | 'continue_as_new_suggested' | 'history_events' | 'history_bytes';

/**
 * True when a turn that adds about `incoming_tokens` to a context of `context_tokens` would start
 * at or above the summarization threshold: compact first.
 */
export function shouldSummarizeBeforeTurn(input: {
  context_tokens: number;
  incoming_tokens: number;
  context_window: number;
  settings: SessionSettings;
}): boolean {
  const projected = input.context_tokens + input.incoming_tokens;
  return (projected / input.context_window) * 100 >= input.settings.summarize_at_percent;
}

/** Why the run must roll over now, or undefined when it need not. */
export function rolloverReason(input: {
  context_tokens: number;
  context_window: number;
  settings: SessionSettings;
  continue_as_new_suggested: boolean;
  history_events: number;
  history_bytes: number;
}): RolloverReason | undefined {
  const s = input.settings;
  if ((input.context_tokens / input.context_window) * 100 >= s.rollover_at_percent) return 'context_fill';
  if (input.continue_as_new_suggested) return 'continue_as_new_suggested';
  if (input.history_events >= s.rollover_history_events) return 'history_events';
  if (input.history_bytes >= s.rollover_history_bytes) return 'history_bytes';
  return undefined;
}

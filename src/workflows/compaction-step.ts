import type { CompactionMode, CompactionReport, CompactionTrigger } from '../domain/session';
import type { SessionInput } from '../domain/session';
import { ZERO_USAGE, type Usage } from '../domain/session';
import { modelActivities } from './session-activities';
import { causeMessage } from './turn-failure';

/**
 * Runs one compaction of a session's context through the `compactContext` activity and reports
 * it, with what the summarizer used. Never throws: a failure comes back as a `failed` report, so
 * the caller keeps its head.
 */
export async function compactContext(
  input: SessionInput,
  at: {
    head: string | null;
    context_tokens: number;
    number: number;
    mode: CompactionMode;
    trigger: CompactionTrigger;
  },
): Promise<{ report: CompactionReport; usage: Usage }> {
  const base = {
    number: at.number,
    mode: at.mode,
    trigger: at.trigger,
    time: new Date().toISOString(),
    head_before: at.head,
  };
  if (at.head === null) {
    return {
      report: { ...base, ...unchanged(at.context_tokens), status: 'nothing_to_do', head_after: null },
      usage: ZERO_USAGE,
    };
  }
  try {
    const r = await modelActivities.compactContext.executeWithOptions(
      { summary: `compact (${at.mode}): ${(at.context_tokens / 1000).toFixed(1)}k tokens` },
      [
        {
          session_id: input.session_id,
          model: {
            id: input.model.id,
            context_window: input.model.context_window,
            max_output_tokens: input.model.max_output_tokens,
          },
          ...(input.settings.summarizer_model
            ? { summarizer: summarizerOf(input.settings.summarizer_model) }
            : {}),
          head: at.head,
          mode: at.mode,
          keep_recent_turns: input.settings.keep_recent_turns,
          compaction_number: at.number,
          ...(input.system ? { system: input.system } : {}),
        },
      ],
    );
    const report: CompactionReport = {
      ...base,
      status: r.status,
      tokens_before: r.tokens_before,
      tokens_after: r.tokens_after,
      tokens_freed: r.tokens_before - r.tokens_after,
      compression_ratio: r.tokens_after > 0 ? Math.round((r.tokens_before / r.tokens_after) * 100) / 100 : 1,
      kept: r.kept,
      summarized: r.summarized,
      dropped: r.dropped,
      decisions_carried: r.decisions_carried,
      decisions_restored: r.decisions_restored ?? 0,
      summarizer_calls: r.summarizer_calls,
      head_after: r.status === 'committed' ? r.head : at.head,
    };
    // Results recorded by workers from before summarizer usage was reported carry none.
    return { report, usage: r.usage ?? ZERO_USAGE };
  } catch (err) {
    return {
      report: {
        ...base,
        ...unchanged(at.context_tokens),
        status: 'failed',
        head_after: at.head,
        error: causeMessage(err),
      },
      usage: ZERO_USAGE,
    };
  }
}

function summarizerOf(m: { id: string; context_window: number; max_output_tokens: number }) {
  return { id: m.id, context_window: m.context_window, max_output_tokens: m.max_output_tokens };
}

function unchanged(tokens: number) {
  return {
    tokens_before: tokens,
    tokens_after: tokens,
    tokens_freed: 0,
    compression_ratio: 1,
    kept: 0,
    summarized: 0,
    dropped: 0,
    decisions_carried: 0,
    summarizer_calls: 0,
  };
}

/**
 * The transitions that move a session's head and pay for the work: a turn (with every model call
 * of its tool loop), a compaction and a merge. Each adds its usage to the cumulative totals at the
 * rates of the model that did the work. Workflow-safe: times come in as arguments.
 */
import { addUsage, costOf, roundUsd, type CumulativeUsage } from './budget';
import { cacheStats } from './cache-stats';
import type { CompactionReport, TurnCost } from './compaction-report';
import type { MergeRecord } from './records';
import type { SessionState } from './state';
import { sumUsage, type Usage } from './usage';

/**
 * A completed turn (with every model call of its tool loop) moves the head and the totals; a task
 * that went with it (see {@link SessionDefinition.task}) is now in the store.
 */
export function applyTurn(
  s: SessionState,
  t: { head: string; context_tokens: number; usages: readonly Usage[]; time: string },
): SessionState {
  const { task: _stored, ...definition } = s.definition;
  const model = s.definition.model;
  const usage = sumUsage(t.usages);
  const cost: TurnCost = {
    turn: s.turns + 1,
    usage,
    cost_usd: roundUsd(t.usages.reduce((sum, u) => sum + costOf(u, model), 0)),
    cache_hit_rate: cacheStats(usage).hit_rate,
  };
  // The first turn on a rewritten context (after a compaction, or in a new run after a rollover)
  // reads little from the prompt cache: its cost goes on the record of what rewrote it.
  const compaction = s.last_compaction;
  const rollover = s.rollovers.at(-1);
  return {
    ...s,
    definition,
    head: t.head,
    context_tokens: t.context_tokens,
    cumulative: t.usages.reduce<CumulativeUsage>((total, u) => addUsage(total, u, model), s.cumulative),
    turns: s.turns + 1,
    turns_this_run: s.turns_this_run + 1,
    last_activity: t.time,
    ...(compaction?.status === 'committed' && !compaction.first_turn_after
      ? { last_compaction: { ...compaction, first_turn_after: cost } }
      : {}),
    ...(rollover && s.turns_this_run === 0 && !rollover.first_turn_after
      ? { rollovers: [...s.rollovers.slice(0, -1), { ...rollover, first_turn_after: cost }] }
      : {}),
  };
}

/**
 * A compaction's outcome: the summarizer's usage is paid whether or not it committed; only a
 * committed compaction moves the head.
 */
export function applyCompaction(s: SessionState, report: CompactionReport, usage: Usage): SessionState {
  const committed = report.status === 'committed';
  return {
    ...s,
    // Priced at the summarizer's rates: it may be a cheaper model than the session's.
    cumulative: addUsage(s.cumulative, usage, s.definition.settings.summarizer_model ?? s.definition.model),
    ...(committed
      ? { head: report.head_after, context_tokens: report.tokens_after, compactions: report.number }
      : {}),
    last_compaction: report,
  };
}

/** A merge of another line of work (its record says how). */
export function applyMerge(
  s: SessionState,
  merged: { head: string; context_tokens: number; usage: Usage },
  record: MergeRecord,
): SessionState {
  return {
    ...s,
    head: merged.head,
    context_tokens: merged.context_tokens,
    cumulative: addUsage(s.cumulative, merged.usage, s.definition.model),
    merges: [...s.merges, record],
    last_activity: record.time,
  };
}

/**
 * Compaction planning: which parts of a conversation are kept verbatim, summarized or dropped.
 * Pure, so the rules are unit-tested without a model and the same plan is reproducible.
 *
 * The conversation is cut into *units*: a single message, or an assistant message that calls
 * tools together with the user message carrying their results. A unit is never split, so a
 * `tool_use` is never separated from its `tool_result`.
 */
import type { StoredNode } from './conversation';
import { textOf } from './conversation';
import { extractDecisionLines, missingLines } from './decisions';
import { formatCount } from '../format';

/** A temporary item that compaction replaces by a one-line stub. */
export interface DroppedItem {
  node_ids: string[];
  /** What was dropped, e.g. `tool result of read_file (toolu_01)`. */
  description: string;
  /** Its size in characters. */
  chars: number;
}

export interface CompactionPlan {
  /** Critical units, kept verbatim in their original order. */
  critical: StoredNode[];
  /** Supporting history to summarize, in order. */
  summarize: StoredNode[];
  /** Earlier summaries: folded into the new summary (their decisions carried forward). */
  previous_summaries: StoredNode[];
  dropped: DroppedItem[];
  /** The most recent turns, kept verbatim after the summary. */
  recent: StoredNode[];
  /** Decision lines carried forward verbatim into the new summary. */
  decisions: string[];
  /** True when nothing would change: no summarizable, droppable or earlier-summary content. */
  empty: boolean;
}

export interface PlanOptions {
  /** How many of the latest user turns stay verbatim (0 = none). */
  keep_recent_turns: number;
}

/** Splits a conversation path into units (see the module comment). */
export function toUnits(path: readonly StoredNode[]): StoredNode[][] {
  const units: StoredNode[][] = [];
  for (let i = 0; i < path.length; i++) {
    const node = path[i]!;
    const unit = [node];
    const toolIds = new Set(node.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])));
    // Results may arrive over more than one message; take each that answers a call of this unit.
    while (toolIds.size > 0 && i + 1 < path.length) {
      const next = path[i + 1]!;
      const answers = next.content.filter((b) => b.type === 'tool_result' && toolIds.has(b.tool_use_id));
      if (answers.length === 0) break;
      unit.push(next);
      for (const b of answers) if (b.type === 'tool_result') toolIds.delete(b.tool_use_id);
      i++;
    }
    units.push(unit);
  }
  return units;
}

/** Index in `path` where the last `turns` user turns begin (a user message that is not a tool result). */
export function recentTurnsStart(path: readonly StoredNode[], turns: number): number {
  if (turns <= 0) return path.length;
  let seen = 0;
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!;
    const isTurnStart =
      node.role === 'user' &&
      node.meta.kind === 'message' &&
      !node.content.some((b) => b.type === 'tool_result');
    if (isTurnStart && ++seen === turns) return i;
  }
  // Fewer turns than asked: keep everything after the task verbatim.
  return path.findIndex((n) => n.meta.kind !== 'task');
}

/**
 * Plans a compaction of `path`. Critical units stay verbatim, supporting units are summarized,
 * temporary units (tool output) are dropped to stubs, and the last `keep_recent_turns` turns stay
 * as they are.
 */
export function planCompaction(path: readonly StoredNode[], options: PlanOptions): CompactionPlan {
  const start = recentTurnsStart(path, options.keep_recent_turns);
  const recentFrom = start < 0 ? path.length : start;
  const plan: CompactionPlan = {
    critical: [],
    summarize: [],
    previous_summaries: [],
    dropped: [],
    recent: path.slice(recentFrom),
    decisions: [],
    empty: true,
  };
  for (const unit of toUnits(path.slice(0, recentFrom))) {
    if (unit.some((n) => n.meta.kind === 'summary')) {
      plan.previous_summaries.push(...unit);
    } else if (unit.some((n) => n.meta.class === 'critical' || n.meta.pinned)) {
      plan.critical.push(...unit);
    } else if (unit.some((n) => n.meta.class === 'temporary')) {
      plan.dropped.push(describeDropped(unit));
    } else {
      plan.summarize.push(...unit);
    }
  }
  const decisionSources = [...plan.previous_summaries, ...plan.summarize].map((n) => textOf(n.content));
  plan.decisions = [...new Set(decisionSources.flatMap(extractDecisionLines))];
  // A single earlier summary with nothing new to fold in would only be rewritten: nothing to do.
  plan.empty =
    plan.summarize.length === 0 && plan.dropped.length === 0 && plan.previous_summaries.length <= 1;
  return plan;
}

function describeDropped(unit: StoredNode[]): DroppedItem {
  const calls = unit.flatMap((n) =>
    n.content.flatMap((b) => (b.type === 'tool_use' ? [`${b.name} (${b.id})`] : [])),
  );
  const chars = unit.reduce((sum, n) => sum + JSON.stringify(n.content).length, 0);
  const what = calls.length > 0 ? `tool call ${calls.join(', ')} and its output` : 'temporary output';
  return { node_ids: unit.map((n) => n.id), description: what, chars };
}

/** The one-line stub that stands in for a dropped item. */
export function stubLine(item: DroppedItem): string {
  return `[dropped: ${item.description}, ${formatCount(item.chars)} chars]`;
}

/**
 * The text of the summary node that replaces the summarized history: the model's summary, then
 * every decision line it replaced that the model's summary no longer holds verbatim (put back as
 * written, so nothing critical depends on the summarizer's care), then a stub line per dropped
 * item. `restored` counts the lines put back.
 */
export function composeSummaryText(input: {
  compaction_number: number;
  model_summary: string;
  decisions: readonly string[];
  dropped: readonly DroppedItem[];
}): { text: string; restored: number } {
  const summary = input.model_summary.trim();
  const parts = [`[Summary of the earlier conversation, compaction ${input.compaction_number}]`];
  if (summary) parts.push(summary);
  const restored = missingLines(summary, input.decisions);
  if (restored.length > 0) parts.push(['Decisions carried forward:', ...restored].join('\n'));
  if (input.dropped.length > 0) {
    parts.push(['Dropped temporary items:', ...input.dropped.map((d) => `- ${stubLine(d)}`)].join('\n'));
  }
  return { text: parts.join('\n\n'), restored: restored.length };
}

/**
 * Groups texts into chunks whose token estimates stay within `budget`, in order, so that history
 * larger than the summarizer's own window is summarized piece by piece. A single text over the
 * budget forms a chunk of its own (the caller truncates it).
 */
export function chunkByTokens<T>(items: readonly T[], tokensOf: (item: T) => number, budget: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const tokens = tokensOf(item);
    if (current.length > 0 && used + tokens > budget) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += tokens;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

import { Context } from '@temporalio/activity';
import type { CompactionMode } from '../domain/session';
import { composeSummaryText, planCompaction } from '../domain/session';
import type { NewMessage, StoredNode } from '../domain/session';
import { textOf } from '../domain/session';
import { ZERO_USAGE, type Usage } from '../domain/session';
import type { ActivityDeps } from './activity-deps';
import { toModelCallFailure } from './anthropic-failure';
import { summarizeHistory } from './summarizer';
import { toMessageParams } from './to-message-params';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, keepHeartbeating } from './heartbeats';

export interface CompactContextInput {
  session_id: string;
  model: { id: string; context_window: number; max_output_tokens: number };
  /** The model that writes the summary; the session's own model when absent. */
  summarizer?: { id: string; context_window: number; max_output_tokens: number };
  system?: string;
  head: string;
  mode: CompactionMode;
  keep_recent_turns: number;
  compaction_number: number;
}

export interface CompactContextResult {
  status: 'committed' | 'nothing_to_do';
  /** The compacted head; the old one stays in the store. Equal to the input head when nothing changed. */
  head: string;
  tokens_before: number;
  tokens_after: number;
  kept: number;
  summarized: number;
  dropped: number;
  decisions_carried: number;
  /** Decision lines the summary dropped and that were put back verbatim. */
  decisions_restored: number;
  summarizer_calls: number;
  /** What the summarizer calls used, on the summarizer model (the session adds it to its totals). */
  usage: Usage;
}

/**
 * Compacts a conversation: critical items verbatim, supporting history summarized by the model,
 * temporary items replaced by stubs, recent turns verbatim. Writes the result as a new chain and
 * returns its head with token counts measured before and after. Writes nothing the session
 * points at: if this fails, the workflow keeps its old head.
 */
export function createCompactContext(deps: ActivityDeps) {
  return async function compactContext(input: CompactContextInput): Promise<CompactContextResult> {
    const ctx = Context.current();
    const path = await deps.store.path(input.head);
    const tokensBefore = await countPath(deps, input, path);
    const keepRecent =
      input.mode === 'aggressive' ? Math.min(1, input.keep_recent_turns) : input.keep_recent_turns;
    const plan = planCompaction(path, { keep_recent_turns: keepRecent });
    const unchanged: CompactContextResult = {
      status: 'nothing_to_do',
      head: input.head,
      tokens_before: tokensBefore,
      tokens_after: tokensBefore,
      kept: path.length,
      summarized: 0,
      dropped: 0,
      decisions_carried: 0,
      decisions_restored: 0,
      summarizer_calls: 0,
      usage: ZERO_USAGE,
    };
    if (plan.empty) return unchanged;

    let summary = '';
    let calls = 0;
    let usage: Usage = ZERO_USAGE;
    const toSummarize = plan.summarize;
    if (toSummarize.length > 0 || plan.previous_summaries.length > 1) {
      // A summary can take longer than the heartbeat timeout; beat throughout, with progress.
      let progress: Record<string, unknown> = { phase: 'summarizing' };
      const stopHeartbeats = keepHeartbeating(
        ctx,
        deps.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        () => progress,
      );
      try {
        ({ summary, calls, usage } = await summarizeHistory({
          anthropic: deps.anthropic,
          model: input.summarizer ?? input.model,
          previous: plan.previous_summaries.map((n) => textOf(n.content)),
          nodes: toSummarize,
          signal: ctx.cancellationSignal,
          onProgress: (done, total) => (progress = { phase: 'summarizing', done, total }),
        }));
      } catch (err) {
        throw toModelCallFailure(err);
      } finally {
        stopHeartbeats();
      }
    } else {
      summary = plan.previous_summaries.map((n) => textOf(n.content)).join('\n\n');
    }

    // Every decision line the summary replaces must still be there afterwards, verbatim.
    const composed = composeSummaryText({
      compaction_number: input.compaction_number,
      model_summary: stripOldHeader(summary),
      decisions: plan.decisions,
      dropped: plan.dropped,
    });
    const summaryNode: NewMessage = {
      role: 'user',
      content: [{ type: 'text', text: composed.text }],
      meta: { kind: 'summary', class: 'critical' },
    };
    const chain: NewMessage[] = [...plan.critical.map(asNew), summaryNode, ...plan.recent.map(asNew)];
    const { head } = await deps.store.append(null, chain);
    const newPath = await deps.store.path(head);
    const tokensAfter = await countPath(deps, input, newPath);
    // A compaction that does not make the context smaller is not worth committing.
    if (tokensAfter >= tokensBefore) return { ...unchanged, summarizer_calls: calls, usage };
    return {
      status: 'committed',
      head,
      tokens_before: tokensBefore,
      tokens_after: tokensAfter,
      kept: plan.critical.length + plan.recent.length,
      summarized: plan.summarize.length + plan.previous_summaries.length,
      dropped: plan.dropped.reduce((n, d) => n + d.node_ids.length, 0),
      decisions_carried: plan.decisions.length,
      decisions_restored: composed.restored,
      summarizer_calls: calls,
      usage,
    };
  };
}

function asNew(node: StoredNode): NewMessage {
  return { role: node.role, content: node.content, meta: node.meta };
}

// The summarizer folds the previous summary in, header included; keep one header, the new one.
function stripOldHeader(summary: string): string {
  return summary.replace(/^\[Summary of the earlier conversation, compaction \d+\]\s*/g, '');
}

async function countPath(deps: ActivityDeps, input: CompactContextInput, path: readonly StoredNode[]) {
  return deps.countTokens({
    model: input.model.id,
    messages: toMessageParams(path),
    ...(input.system ? { system: input.system } : {}),
  });
}

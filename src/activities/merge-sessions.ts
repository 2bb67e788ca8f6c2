import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { textOf, type NewMessage } from '../domain/session';
import { extractDecisionLines } from '../domain/session';
import { SessionFailureType } from '../domain/session';
import { commonAncestor } from '../store';
import { ZERO_USAGE, type Usage } from '../domain/session';
import type { ActivityDeps } from './activity-deps';
import { toModelCallFailure } from './anthropic-failure';
import { summarizeHistory } from './summarizer';
import { toMessageParams } from './to-message-params';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, keepHeartbeating } from './heartbeats';

export interface InspectMergeInput {
  main_session_id: string;
  fork_session_id: string;
  main_head: string | null;
  fork_head: string;
}

export interface InspectMergeResult {
  /** Deepest node both lines share (null: nothing in common). */
  ancestor: string | null;
  /** True when the main line has not moved since the fork point: its head is on the fork's path. */
  fast_forward: boolean;
  /** Messages on the fork after the common ancestor. */
  fork_messages: number;
}

/**
 * Compares two lines of work before a merge.
 * @throws a non-retryable MergeRefused failure when they share no history.
 */
export function createInspectMerge(deps: ActivityDeps) {
  return async function inspectMerge(input: InspectMergeInput): Promise<InspectMergeResult> {
    const forkPath = await deps.store.path(input.fork_head);
    const mainPath = input.main_head === null ? [] : await deps.store.path(input.main_head);
    const ancestor = commonAncestor(mainPath, forkPath);
    if (ancestor === null) {
      throw ApplicationFailure.create({
        type: SessionFailureType.MergeRefused,
        nonRetryable: true,
        message:
          `Sessions ${input.main_session_id} and ${input.fork_session_id} share no history, so there is ` +
          'nothing to merge. Merge only a session into one it was forked from (or that forked from it).',
      });
    }
    const after = forkPath.findIndex((n) => n.id === ancestor) + 1;
    return {
      ancestor,
      fast_forward: input.main_head === null || forkPath.some((n) => n.id === input.main_head),
      fork_messages: forkPath.length - after,
    };
  };
}

export interface MergeBySummaryInput {
  session_id: string;
  fork_session_id: string;
  model: { id: string; context_window: number; max_output_tokens: number };
  system?: string;
  main_head: string;
  fork_head: string;
  ancestor: string;
}

export interface MergeBySummaryResult {
  head: string;
  context_tokens: number;
  summarizer_calls: number;
  /** What the summarizer calls used (the session adds it to its cumulative usage and cost). */
  usage: Usage;
}

/**
 * A summary merge: summarizes what the fork said and decided after the common ancestor, and
 * appends it to the main line as one critical node that names the fork's head.
 */
export function createMergeBySummary(deps: ActivityDeps) {
  return async function mergeBySummary(input: MergeBySummaryInput): Promise<MergeBySummaryResult> {
    const ctx = Context.current();
    const forkPath = await deps.store.path(input.fork_head);
    const divergent = forkPath.slice(forkPath.findIndex((n) => n.id === input.ancestor) + 1);
    let summary = '';
    let calls = 0;
    let usage: Usage = ZERO_USAGE;
    if (divergent.length > 0) {
      // A summary can take longer than the heartbeat timeout; beat throughout, with progress.
      let progress: Record<string, unknown> = { phase: 'summarizing fork' };
      const stopHeartbeats = keepHeartbeating(
        ctx,
        deps.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        () => progress,
      );
      try {
        ({ summary, calls, usage } = await summarizeHistory({
          anthropic: deps.anthropic,
          model: input.model,
          previous: [],
          nodes: divergent,
          signal: ctx.cancellationSignal,
          onProgress: (done, total) => (progress = { phase: 'summarizing fork', done, total }),
        }));
      } catch (err) {
        throw toModelCallFailure(err);
      } finally {
        stopHeartbeats();
      }
    }
    const decisions = [...new Set(divergent.flatMap((n) => extractDecisionLines(textOf(n.content))))];
    const text = [
      `[Merged from session ${input.fork_session_id}, ${divergent.length} message(s) after the fork point]`,
      summary || '(The fork added nothing after the fork point.)',
      ...(decisions.length > 0 ? [['Decisions from the fork:', ...decisions].join('\n')] : []),
    ].join('\n\n');
    const mergeNode: NewMessage = {
      role: 'user',
      content: [{ type: 'text', text }],
      meta: { kind: 'merge', class: 'critical', merged_from: input.fork_head },
    };
    const { head } = await deps.store.append(input.main_head, [mergeNode]);
    const path = await deps.store.path(head);
    const context_tokens = await deps.countTokens({
      model: input.model.id,
      messages: toMessageParams(path),
      ...(input.system ? { system: input.system } : {}),
    });
    return { head, context_tokens, summarizer_calls: calls, usage };
  };
}

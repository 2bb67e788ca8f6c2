/**
 * What crosses from one run of a session to the next: the rollover record and when one is due,
 * what a run carries into continue-as-new and the next run's input, and what a resumed run of a
 * stopped session carries. Workflow-safe: run ids and times come in as arguments.
 */
import { rolloverReason, type RolloverReason } from './context-pressure';
import type { CheckpointRecord, ResumeRecord, RolloverRecord } from './records';
import type { CarriedState, SessionInput } from './session-input';
import type { SessionState } from './state';
import type { SessionStatus } from './status';

/** Records the rollover this run is about to make. */
export function applyRollover(s: SessionState, record: RolloverRecord): SessionState {
  return { ...s, rollovers: [...s.rollovers, record] };
}

/**
 * Why this run should roll over now, if it should. A fresh run inherits a compacted context: its
 * fill (and its history) is judged only after it has run a turn, so a context that cannot be
 * compacted further, or a limit set very low, does not roll over again and again.
 */
export function rolloverDue(
  s: SessionState,
  history: { continue_as_new_suggested: boolean; events: number; bytes: number },
): RolloverReason | undefined {
  if (s.closed) return undefined;
  const reason = rolloverReason({
    context_tokens: s.context_tokens,
    context_window: s.definition.model.context_window,
    settings: s.definition.settings,
    continue_as_new_suggested: history.continue_as_new_suggested,
    history_events: history.events,
    history_bytes: history.bytes,
  });
  // Nor does a fresh run's history: it starts small, whatever the limits say.
  if (s.turns_this_run === 0 && reason !== 'continue_as_new_suggested') return undefined;
  return reason;
}

/** What a run carries into the next one. */
export function carriedOf(s: SessionState, runId: string): CarriedState {
  return {
    turns: s.turns,
    cumulative: s.cumulative,
    context_tokens: s.context_tokens,
    created_at: s.created_at,
    last_activity: s.last_activity,
    previous_runs: [...s.previous_runs, runId],
    checkpoints: s.checkpoints,
    rollovers: s.rollovers,
    compactions: s.compactions,
    last_compaction: s.last_compaction,
    merges: s.merges,
    ...(s.resumed_from ? { resumed_from: s.resumed_from } : {}),
    ...(s.mcp.length > 0 ? { mcp: s.mcp, mcp_tokens_freed: s.mcp_tokens_freed } : {}),
    ...(s.script_done > 0
      ? {
          script_outputs: s.script_outputs,
          script_done: s.script_done,
          floor_compactions: s.floor_compactions,
        }
      : {}),
    ...(s.workspace ? { workspace: s.workspace } : {}),
  };
}

/**
 * The input of the next run when this one continues-as-new: the definition, the head and what
 * is carried. The task is not sent again (it is in the conversation); a script goes on where it
 * stopped.
 */
export function nextRunInput(s: SessionState, runId: string, script?: SessionInput['script']): SessionInput {
  return {
    ...s.definition,
    ...(s.head ? { head: s.head } : {}),
    ...(script && s.script_done < script.messages.length ? { script } : {}),
    carried: carriedOf(s, runId),
  };
}

/**
 * What a new run of a stopped session carries (a resume): the last status's totals, its
 * checkpoints, and where it resumes from (a checkpoint, or the last head).
 */
export function resumedCarry(
  prior: SessionStatus,
  checkpoints: CheckpointRecord[],
  resumed: ResumeRecord,
  from?: CheckpointRecord,
): CarriedState {
  return {
    turns: prior.turns,
    cumulative: prior.cumulative,
    context_tokens: from ? from.context_tokens : prior.tokens_used,
    created_at: prior.created_at,
    last_activity: resumed.time,
    previous_runs: [...prior.previous_runs, prior.run_id],
    checkpoints,
    rollovers: prior.rollovers,
    compactions: prior.compactions,
    last_compaction: prior.last_compaction,
    merges: prior.merges,
    resumed_from: resumed,
    ...(prior.mcp ? { mcp: prior.mcp.servers, mcp_tokens_freed: prior.mcp.tokens_freed_by_idle } : {}),
    // The folder is still the session's: the new run works on it where it is (or claims it again,
    // recreating it from its last checkpoint, when its worker is gone).
    ...(prior.workspace ? { workspace: prior.workspace } : {}),
  };
}

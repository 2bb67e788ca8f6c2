/**
 * A session's state as one typed object: its type, the state a run starts with, and the small
 * reads and transitions that belong with it (budget, request facts, a script reply, closing). The
 * transitions that pay for work (accounting.ts), checkpoints and restores (checkpoints.ts), the run
 * carry-over (carry-over.ts) and the status view (status-view.ts) live beside it. The workflow entity
 * holds one of these, adds the lock and the async steps, and hands `nextRunInput` to
 * continue-as-new. Workflow-safe: times and run ids come in as arguments.
 */
import { tokenBudget, ZERO_CUMULATIVE, type CumulativeUsage, type TokenBudget } from './budget';
import type { CompactionReport } from './compaction-report';
import type { CheckpointRecord, MergeRecord, ResumeRecord, RolloverRecord } from './records';
import type { CarriedState, ScriptOutput, SessionDefinition, SessionInput } from './session-input';
import type { SessionFacts } from './request-checks';
import type { McpServerState } from '../mcp';
import type { HeldWorkspace, PermissionRequest } from '../workspace';

/**
 * Everything a session is: its definition (fixed for its life), what every run carries across
 * continue-as-new, and what this run counts.
 */
export interface SessionState {
  definition: SessionDefinition;
  head: string | null;
  context_tokens: number;
  turns: number;
  cumulative: CumulativeUsage;
  created_at: string;
  last_activity: string;
  /** Run ids of earlier runs of this session, oldest first. */
  previous_runs: string[];
  checkpoints: CheckpointRecord[];
  rollovers: RolloverRecord[];
  compactions: number;
  last_compaction: CompactionReport | null;
  merges: MergeRecord[];
  resumed_from?: ResumeRecord;
  mcp: McpServerState[];
  mcp_tokens_freed: number;
  /** The start-up script's replies so far, and how many of its messages have run. */
  script_outputs: ScriptOutput[];
  script_done: number;
  floor_compactions: number;
  closed: boolean;
  /** Turns run by this run (a fresh run's context is judged only after its first turn). */
  turns_this_run: number;
  /** The claimed workspace, once the run has claimed it (or carried it over). */
  workspace?: HeldWorkspace;
  /** A command waiting for a person's permission. */
  pending_permission?: PermissionRequest;
}

/** The state a run starts with: fresh, or what the previous run carried. */
export function initialState(input: SessionInput, now: string): SessionState {
  const c: Partial<CarriedState> = input.carried ?? {};
  const created = c.created_at ?? now;
  return {
    definition: definitionOf(input),
    head: input.head ?? null,
    context_tokens: c.context_tokens ?? input.context_tokens ?? 0,
    turns: c.turns ?? 0,
    cumulative: c.cumulative ?? ZERO_CUMULATIVE,
    created_at: created,
    last_activity: c.last_activity ?? created,
    previous_runs: c.previous_runs ?? [],
    checkpoints: c.checkpoints ?? [],
    rollovers: c.rollovers ?? [],
    compactions: c.compactions ?? 0,
    last_compaction: c.last_compaction ?? null,
    merges: c.merges ?? [],
    ...(c.resumed_from ? { resumed_from: c.resumed_from } : {}),
    mcp: c.mcp ?? [],
    mcp_tokens_freed: c.mcp_tokens_freed ?? 0,
    script_outputs: c.script_outputs ?? [],
    script_done: c.script_done ?? 0,
    floor_compactions: c.floor_compactions ?? 0,
    closed: false,
    turns_this_run: 0,
    ...(c.workspace ? { workspace: c.workspace } : {}),
  };
}

/** What a session is made of (for forks, resumes and exports): everything but its conversation. */
export function definitionOf(input: SessionInput): SessionDefinition {
  return {
    session_id: input.session_id,
    model: input.model,
    settings: input.settings,
    ...(input.system ? { system: input.system } : {}),
    ...(input.lineage ? { lineage: input.lineage } : {}),
    ...(input.mcp_servers ? { mcp_servers: input.mcp_servers } : {}),
    ...(input.workspace ? { workspace: input.workspace } : {}),
    ...(input.task_with_first_turn && input.task && input.head === undefined && !input.mcp_servers?.length
      ? { task: input.task }
      : {}),
  };
}

/** The context budget: how full the window is now. */
export function budgetOf(s: SessionState): TokenBudget {
  return tokenBudget(s.context_tokens, s.definition.model.context_window);
}

/** What the request checks need to know. */
export function factsOf(s: SessionState): SessionFacts {
  return { session_id: s.definition.session_id, closed: s.closed };
}

/** A script message's reply. */
export function applyScriptOutput(s: SessionState, output: ScriptOutput): SessionState {
  return { ...s, script_outputs: [...s.script_outputs, output], script_done: s.script_done + 1 };
}

export function applyClose(s: SessionState, time: string): SessionState {
  return { ...s, closed: true, last_activity: time };
}

/**
 * A session's state as one typed object, and the pure transitions that move it: a turn, a
 * compaction, a checkpoint, a restore, a merge, a rollover, closing; the status view; the next
 * run's input. The workflow entity holds one of these, adds the lock and the async steps, and
 * hands {@link nextRunInput} to continue-as-new. Workflow-safe: times and run ids come in as
 * arguments.
 */
import {
  addUsage,
  costOf,
  roundUsd,
  tokenBudget,
  ZERO_CUMULATIVE,
  type CumulativeUsage,
  type TokenBudget,
} from './budget';
import { cacheStats } from './cache-stats';
import type { CompactionReport, TurnCost } from './compaction-report';
import { rolloverReason, type RolloverReason } from './context-pressure';
import type {
  CarriedState,
  CheckpointReason,
  CheckpointRecord,
  MergeRecord,
  ResumeRecord,
  RolloverRecord,
  ScriptOutput,
  SessionDefinition,
  SessionInput,
  SessionRunStatus,
  SessionStatus,
} from './contract';
import type { SessionFacts } from './request-checks';
import { sumUsage, type Usage } from './usage';
import type { McpServerState } from '../mcp';
import { toolTokensPerRequest } from '../mcp';
import type { HeldWorkspace, PermissionRequest } from '../workspace';

/** Automatic checkpoints kept per session; named (manual, phase, handoff) ones are all kept. */
export const MAX_AUTOMATIC_CHECKPOINTS = 50;
const AUTOMATIC: readonly CheckpointReason[] = [
  'before_compaction',
  'before_rollover',
  'before_restore',
  'before_merge',
];

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

/** Identity of a new checkpoint, supplied by the workflow (uuid, time, run, history length). */
export interface CheckpointStamp {
  checkpoint_id: string;
  time: string;
  run_id: string;
  event_id: number;
}

/** A checkpoint of the present; unnamed ones are called after their reason (`manual-3`). */
export function checkpointOf(
  s: SessionState,
  stamp: CheckpointStamp,
  reason: CheckpointReason,
  name?: string,
): CheckpointRecord {
  const count = s.checkpoints.filter((c) => c.reason === reason).length;
  return {
    ...stamp,
    name: name ?? `${reason}-${count + 1}`,
    reason,
    head: s.head,
    context_tokens: s.context_tokens,
    budget: budgetOf(s),
    cumulative: s.cumulative,
    turns: s.turns,
  };
}

/** Adds a checkpoint, keeping the newest {@link MAX_AUTOMATIC_CHECKPOINTS} automatic ones. */
export function applyCheckpoint(s: SessionState, record: CheckpointRecord): SessionState {
  const all = [...s.checkpoints, record];
  const automatic = all.filter((c) => AUTOMATIC.includes(c.reason));
  const excess = automatic.length - MAX_AUTOMATIC_CHECKPOINTS;
  const drop = new Set(excess > 0 ? automatic.slice(0, excess) : []);
  return { ...s, checkpoints: drop.size > 0 ? all.filter((c) => !drop.has(c)) : all };
}

/** A checkpoint by id, or by name (the newest with that name). */
export function findCheckpoint(s: { checkpoints: readonly CheckpointRecord[] }, idOrName: string) {
  return (
    s.checkpoints.find((c) => c.checkpoint_id === idOrName) ??
    s.checkpoints.findLast((c) => c.name === idOrName)
  );
}

/** Head and context budget back to a checkpoint; cumulative totals stay (they were spent). */
export function applyRestore(s: SessionState, target: CheckpointRecord, time: string): SessionState {
  return { ...s, head: target.head, context_tokens: target.context_tokens, last_activity: time };
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

/** Records the rollover this run is about to make. */
export function applyRollover(s: SessionState, record: RolloverRecord): SessionState {
  return { ...s, rollovers: [...s.rollovers, record] };
}

/** A script message's reply. */
export function applyScriptOutput(s: SessionState, output: ScriptOutput): SessionState {
  return { ...s, script_outputs: [...s.script_outputs, output], script_done: s.script_done + 1 };
}

export function applyClose(s: SessionState, time: string): SessionState {
  return { ...s, closed: true, last_activity: time };
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

/** Whether a run is starting, closed, busy (a request holds the lock) or available. */
export function runStatusOf(r: {
  closed: boolean;
  initialized: boolean;
  in_flight: number;
}): SessionRunStatus {
  if (r.closed) return 'closed';
  if (!r.initialized) return 'starting';
  return r.in_flight > 0 ? 'busy' : 'available';
}

/** What `status` answers. */
export function sessionStatus(
  s: SessionState,
  run: { run_id: string; status: SessionRunStatus; has_script: boolean },
): SessionStatus {
  const budget = budgetOf(s);
  const d = s.definition;
  return {
    session_id: d.session_id,
    status: run.status,
    model: d.model.id,
    context_window: budget.total,
    tokens_used: budget.used,
    tokens_available: budget.available,
    position_percent: budget.position_percent,
    cumulative: s.cumulative,
    cache: cacheStats(s.cumulative, d.model),
    last_activity: s.last_activity,
    created_at: s.created_at,
    turns: s.turns,
    run_id: run.run_id,
    head: s.head,
    previous_runs: s.previous_runs,
    settings: d.settings,
    compactions: s.compactions,
    last_compaction: s.last_compaction,
    rollovers: s.rollovers,
    checkpoints: s.checkpoints.length,
    merges: s.merges,
    ...(s.resumed_from ? { resumed_from: s.resumed_from } : {}),
    ...(d.lineage ? { lineage: d.lineage } : {}),
    ...(s.mcp.length > 0
      ? {
          mcp: {
            servers: s.mcp,
            tokens_per_request: toolTokensPerRequest(s.mcp),
            tokens_freed_by_idle: s.mcp_tokens_freed,
          },
        }
      : {}),
    ...(run.has_script ? { script_outputs: s.script_outputs, floor_compactions: s.floor_compactions } : {}),
    ...(s.workspace ? { workspace: s.workspace } : {}),
    ...(s.pending_permission ? { pending_permission: s.pending_permission } : {}),
  };
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

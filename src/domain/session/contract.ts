/**
 * The contract between the baton client and the worker for sessions: workflow input and
 * result, update and query definitions, and the shapes they carry. Workflow-safe; both sides
 * import it so that every client call is type-checked.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import type { CumulativeUsage, TokenBudget } from './budget';
import type { CacheStats } from './cache-stats';
import type { CompactionReport, TurnCost } from './compaction-report';
import type { RolloverReason } from './context-pressure';
import type { ContextClass } from './conversation';
import type { ModelSpec } from '../models';
import type { McpOptimizeRequest, McpOptimizeResult, McpServerState } from '../mcp';
import type { SessionSettings } from './settings';
import type { Usage } from './usage';
import { FailureType } from '../failures';
import type {
  HeldWorkspace,
  PermissionAnswer,
  PermissionRequest,
  WorkspaceCheckpoint,
  WorkspaceRequest,
} from '../workspace';

/** The task queue baton workers poll unless `BATON_TASK_QUEUE` says otherwise. */
export const DEFAULT_TASK_QUEUE = 'baton';

/** Workflow type name of a session (the exported function's name). */
export const SESSION_WORKFLOW_TYPE = 'sessionWorkflow';

/** Where a session came from, when it did not start empty. */
export interface SessionLineage {
  parent_session_id: string;
  /** The parent's head the fork started at. */
  fork_head: string;
  checkpoint_id?: string;
  /** Set on the forks `explore` made: every fork of that exploration, this one included. */
  explore_forks?: string[];
}

/** Why a checkpoint was taken. */
export type CheckpointReason =
  | 'manual'
  | 'before_compaction'
  | 'before_rollover'
  | 'before_restore'
  | 'before_merge'
  | 'phase'
  | 'handoff';

/** A named snapshot of a session: its head and budget. Valid forever, because nodes are immutable. */
export interface CheckpointRecord {
  checkpoint_id: string;
  name: string;
  reason: CheckpointReason;
  head: string | null;
  /** Context tokens at the checkpoint. */
  context_tokens: number;
  budget: TokenBudget;
  cumulative: CumulativeUsage;
  turns: number;
  /** ISO time (workflow time). */
  time: string;
  run_id: string;
  /** The run's history length when it was recorded: the event to look for in the Temporal UI. */
  event_id: number;
  /** The workspace's files at the checkpoint (a commit, and its bundle in the store). */
  workspace?: WorkspaceCheckpoint;
}

/** Where a resumed run came from. */
export interface ResumeRecord {
  previous_run_id: string;
  checkpoint_id?: string;
  time: string;
}

/** A merge of another session's work into this one. */
export interface MergeRecord {
  fork_session_id: string;
  fork_head: string;
  strategy: MergeStrategy;
  head_before: string | null;
  head_after: string;
  time: string;
  /** The fork's files merged into the workspace: the commit after the merge and the files it changed. */
  workspace?: { commit: string; files: string[] };
}

export type MergeStrategy = 'fast-forward' | 'summary';

/** One continue-as-new of a session into a fresh context. */
export interface RolloverRecord {
  from_run_id: string;
  checkpoint_id: string;
  reason: RolloverReason;
  tokens_before: number;
  tokens_after: number;
  time: string;
  /** The new run's first turn: what it cost with the prompt cache to fill again. */
  first_turn_after?: TurnCost;
}

/** State that survives a rollover (continue-as-new): everything but the run's own history. */
export interface CarriedState {
  turns: number;
  cumulative: CumulativeUsage;
  context_tokens: number;
  /** ISO time the session was first created. */
  created_at: string;
  /** ISO time of the last turn (older runs did not carry it: then the creation time). */
  last_activity?: string;
  /** Run ids of earlier runs of this session, oldest first. */
  previous_runs: string[];
  checkpoints: CheckpointRecord[];
  rollovers: RolloverRecord[];
  compactions: number;
  last_compaction: CompactionReport | null;
  merges?: MergeRecord[];
  resumed_from?: ResumeRecord;
  mcp?: McpServerState[];
  mcp_tokens_freed?: number;
  /** A start-up script's progress: its replies so far and how many of its messages ran. */
  script_outputs?: ScriptOutput[];
  script_done?: number;
  floor_compactions?: number;
  /** The turn-event stream (its recent events and offsets), so subscribers follow the rollover. */
  stream?: WorkflowStreamState;
  /** The claimed workspace (its worker's queue and last checkpoint). */
  workspace?: HeldWorkspace;
}

/** Input of {@link SESSION_WORKFLOW_TYPE}. One object, so fields can be added compatibly. */
export interface SessionInput {
  session_id: string;
  /** The model, resolved from the registry by the client so the worker needs no configuration. */
  model: ModelSpec;
  system?: string;
  /** The session's task; stored as its first, critical message. */
  task?: string;
  /**
   * The session was started together with its first message (update-with-start): the task is not
   * stored and measured on its own first, but goes to the model with that message, in the same
   * activity. One activity and one workflow task fewer before the first reply.
   */
  task_with_first_turn?: boolean;
  /** Start from this conversation head instead of an empty conversation. */
  head?: string;
  /**
   * The context fill at `head`, when whoever starts the session knows it (a fork: its parent's fill
   * at that head, from the API's usage). The run then starts without measuring the conversation
   * again, so a fork costs no activity.
   */
  context_tokens?: number;
  lineage?: SessionLineage;
  settings: SessionSettings;
  /** Present only when this run continues an earlier one. */
  carried?: CarriedState;
  /** Messages the session sends itself when it starts (agents run by a handoff). */
  script?: SessionScript;
  /** MCP servers (names from the worker's .mcp.json) whose tools the model gets. */
  mcp_servers?: string[];
  /** A folder the model works in with the text editor and bash tools. */
  workspace?: WorkspaceRequest;
}

/**
 * Work a session does on its own as soon as it starts: used when a workflow (a handoff) runs an
 * agent as a child session. Each message is one turn; the replies come back in the result.
 */
export interface SessionScript {
  messages: string[];
  /** Compact first when fewer tokens than this are available (rolling over is then automatic). */
  min_tokens_available?: number;
  /** Close (and complete) the session when the script is done. */
  close_when_done?: boolean;
}

/** A reply produced by a session's script. */
export interface ScriptOutput {
  turn: number;
  reply: string;
  tokens: number;
  cost_usd: number;
}

export type SessionRunStatus = 'starting' | 'available' | 'busy' | 'closed';

/** What `status` answers: what a caller needs to know before sending or resuming. */
export interface SessionStatus {
  session_id: string;
  status: SessionRunStatus;
  model: string;
  context_window: number;
  tokens_used: number;
  tokens_available: number;
  position_percent: number;
  cumulative: CumulativeUsage;
  /**
   * The prompt cache over the session's life: tokens read, written and uncached, the hit rate,
   * and the input side's cost against the same tokens uncached (at the session model's prices).
   */
  cache?: CacheStats;
  /** ISO time of the last turn (or of the start). */
  last_activity: string;
  created_at: string;
  turns: number;
  run_id: string;
  /** Current conversation head (null before the first message). */
  head: string | null;
  previous_runs: string[];
  lineage?: SessionLineage;
  settings: SessionSettings;
  /** Compactions over the session's life, and the last one's report. */
  compactions: number;
  last_compaction: CompactionReport | null;
  rollovers: RolloverRecord[];
  checkpoints: number;
  merges: MergeRecord[];
  resumed_from?: ResumeRecord;
  /** The session's MCP servers: enabled, token cost, calls, last used. */
  mcp?: { servers: McpServerState[]; tokens_per_request: number; tokens_freed_by_idle: number };
  /** Replies of the session's script, when it has one. */
  script_outputs?: ScriptOutput[];
  /** Compactions made to free room before work started (see `min_tokens_available`). */
  floor_compactions?: number;
  /** The workspace: its folder, the worker holding it, how commands run, the last checkpoint. */
  workspace?: HeldWorkspace;
  /** A command waiting for a person's permission (`ask` policy): answer with `answerPermission`. */
  pending_permission?: PermissionRequest;
}

/** What a session is made of, for forks, resumes and exports: everything but its conversation. */
export interface SessionDefinition {
  session_id: string;
  model: ModelSpec;
  system?: string;
  settings: SessionSettings;
  lineage?: SessionLineage;
  mcp_servers?: string[];
  workspace?: WorkspaceRequest;
  /**
   * The task, while it has not reached the store: a session started with its first message sends
   * the task with that message, and until a turn succeeds the task lives here (so a resume of a
   * session whose first turn failed still starts with it).
   */
  task?: string;
}

export interface RestoreRequest {
  /** Checkpoint id or name (the newest with that name). */
  checkpoint: string;
}

export interface RestoreResult {
  restored: CheckpointRecord;
  /** Taken just before the restore: restore it to undo. */
  undo_checkpoint: CheckpointRecord;
  status: SessionStatus;
}

export interface MergeRequest {
  fork_session_id: string;
  /** The fork's current head. */
  fork_head: string;
  /** Omitted: fast-forward when possible, otherwise a summary merge. */
  strategy?: MergeStrategy;
}

export interface MergeResult {
  merge: MergeRecord;
  status: SessionStatus;
}

/** A user message for {@link sendUpdate}. */
export interface SendRequest {
  message: string;
  /** Explicit context class; otherwise the heuristic decides. */
  class?: ContextClass;
  /** Pin the message: kept verbatim through every compaction. */
  pin?: boolean;
  /** The caller's id for this send: its turn events carry it, and `cancelTurn` can name it. */
  request_id?: string;
  /** Publish the turn's events (reply text as it arrives, tool calls) on the session's stream. */
  stream?: boolean;
}

/** One tool call the model made during a turn. */
export interface ToolCallRecord {
  server: string;
  tool: string;
  is_error: boolean;
  truncated: boolean;
  result_chars: number;
}

export interface SendResult {
  turn: number;
  /** Tool calls made during the turn, in order (empty without MCP servers). */
  tool_calls?: ToolCallRecord[];
  reply: string;
  stop_reason: string | null;
  /** Usage of this call as the API reported it. */
  usage: Usage;
  /** Cost of this call in USD. */
  cost_usd: number;
  /** True when baton has no price for the model: `cost_usd` is then 0 and the cost unknown. */
  cost_unknown?: boolean;
  /** Context budget after the call. */
  token_budget: TokenBudget;
  head: string;
  /** The run that answered (a rollover moves a session to a new run under the same id). */
  run_id: string;
}

/** Sends a user message and returns the model's reply. Rejected when empty, too large or closed. */
export const sendUpdate = defineUpdate<SendResult, [SendRequest]>('send');
/** Waits until the session has stored its task and measured its context, then returns status. */
export const readyUpdate = defineUpdate<SessionStatus, []>('ready');
/** Closes the session; the run completes with its final status. */
export const closeUpdate = defineUpdate<SessionStatus, []>('close');
/** Compacts the context now (progressive summarization); reports what it did. */
export const compactUpdate = defineUpdate<CompactionReport, [CompactRequest]>('compact');
/** Records a named checkpoint of the current head and budget. */
export const checkpointUpdate = defineUpdate<CheckpointRecord, [CheckpointRequest]>('checkpoint');
/** Moves the head and context budget back to a checkpoint (after checkpointing the present). */
export const restoreUpdate = defineUpdate<RestoreResult, [RestoreRequest]>('restore');
/** Merges another session's line of work into this one. */
export const mergeUpdate = defineUpdate<MergeResult, [MergeRequest]>('merge');
/** Enables the servers a task profile recommends and disables the rest. */
/** Answers the command waiting for permission (`ask` policy); resolves once the answer is taken. */
export const answerPermissionUpdate = defineUpdate<SessionStatus, [PermissionAnswer]>('answerPermission');
export const optimizeMcpUpdate = defineUpdate<McpOptimizeResult, [McpOptimizeRequest]>('optimizeMcp');
export const statusQuery = defineQuery<SessionStatus>('status');
export const definitionQuery = defineQuery<SessionDefinition>('definition');
/** Every checkpoint of the session, across all its runs, oldest first. */
export const checkpointsQuery = defineQuery<CheckpointRecord[]>('checkpoints');

/** A session's status, definition and checkpoints at once: what a fork or a resume starts from. */
export interface SessionSnapshot {
  status: SessionStatus;
  definition: SessionDefinition;
  checkpoints: CheckpointRecord[];
}

/**
 * Status, definition and checkpoints in one query: a fork or a resume reads its source with one
 * round trip instead of three.
 */
export const snapshotQuery = defineQuery<SessionSnapshot>('snapshot');

export interface CompactRequest {
  /** `aggressive` keeps only critical items, the summary and the last turn. */
  mode?: 'progressive' | 'aggressive';
}

export interface CheckpointRequest {
  name?: string;
}

/**
 * The failure types a session's updates throw (a view of {@link FailureType}); a failed model call
 * passes its own type through (`RateLimited`, `ApiOverloaded`, …).
 */
export const SessionFailureType = {
  ModelCallFailed: FailureType.ModelCallFailed,
  ContextOverflow: FailureType.ContextOverflow,
  InvalidRequest: FailureType.InvalidRequest,
  SessionClosed: FailureType.SessionClosed,
  CompactionFailed: FailureType.CompactionFailed,
  MergeRefused: FailureType.MergeRefused,
  TurnCancelled: FailureType.TurnCancelled,
} as const;

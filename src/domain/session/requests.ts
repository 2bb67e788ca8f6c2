/**
 * The arguments and results of a session's updates: send, compact, checkpoint, restore and merge.
 * Workflow-safe types.
 */
import type { TokenBudget } from './budget';
import type { ContextClass } from './conversation';
import type { CheckpointRecord, MergeRecord, MergeStrategy } from './records';
import type { SessionStatus } from './status';
import type { Usage } from './usage';

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

export interface CompactRequest {
  /** `aggressive` keeps only critical items, the summary and the last turn. */
  mode?: 'progressive' | 'aggressive';
}

export interface CheckpointRequest {
  name?: string;
}

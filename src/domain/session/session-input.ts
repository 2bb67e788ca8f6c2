/**
 * What a session run starts from: the workflow's input, what survives a rollover, the start-up
 * script and its replies, and the session's definition (everything but its conversation).
 * Workflow-safe types.
 */
import type { WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import type { CumulativeUsage } from './budget';
import type { CompactionReport } from './compaction-report';
import type { CheckpointRecord, MergeRecord, ResumeRecord, RolloverRecord, SessionLineage } from './records';
import type { SessionSettings } from './settings';
import type { ModelSpec } from '../models';
import type { McpServerState } from '../mcp';
import type { HeldWorkspace, WorkspaceRequest } from '../workspace';

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

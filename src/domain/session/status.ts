/**
 * What `status` answers about a session: its run's state, budget, totals, cache figures, records,
 * MCP servers, script progress and workspace. Workflow-safe types.
 */
import type { CumulativeUsage } from './budget';
import type { CacheStats } from './cache-stats';
import type { CompactionReport } from './compaction-report';
import type { MergeRecord, ResumeRecord, RolloverRecord, SessionLineage } from './records';
import type { ScriptOutput } from './session-input';
import type { SessionSettings } from './settings';
import type { McpServerState } from '../mcp';
import type { HeldWorkspace, PermissionRequest } from '../workspace';

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

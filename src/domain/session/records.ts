/**
 * The records a session keeps of its history: where it came from (lineage), its checkpoints,
 * resumes, merges and rollovers. Workflow-safe types, carried across runs and shown by `status`.
 */
import type { CumulativeUsage, TokenBudget } from './budget';
import type { TurnCost } from './compaction-report';
import type { RolloverReason } from './context-pressure';
import type { WorkspaceCheckpoint } from '../workspace';

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

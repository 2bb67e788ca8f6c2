/**
 * The contract of the workspace activities: inputs and results, workflow-safe so that workflows
 * (which see activities as types only) and the activities share one definition.
 *
 * A workspace is a folder on one worker's disk. `claimWorkspace` runs on the shared task queue,
 * prepares the folder on whichever worker takes it and returns that worker's own task queue; every
 * other workspace activity must then be scheduled on that queue (Temporal's worker-specific task
 * queue pattern), and refuses to run anywhere else.
 */
import type { CommandPolicy } from './command-policy';
import type { VerificationResult } from './verification';

/** A checkpoint of the files: a commit, and the git bundle in the conversation store that holds it. */
export interface WorkspaceCheckpoint {
  commit: string;
  /** Id of the bundle blob (SHA-256) in the conversation store. */
  bundle_id: string;
}

/** Input of `claimWorkspace`. */
export interface ClaimWorkspaceInput {
  /** Absolute path of the folder on the worker. Created (with `git init`) when missing. */
  path: string;
  /** Accept a folder with uncommitted changes (they go into the first commit). */
  allow_dirty?: boolean;
  /**
   * The last checkpoint. A worker whose folder is missing, or lacks this commit, recreates the
   * folder from the bundle; a folder that has it but has moved on is put back to it.
   */
  checkpoint?: WorkspaceCheckpoint;
}

/** How commands run on the worker that holds a workspace. */
export interface SandboxStatus {
  mode: 'bubblewrap' | 'unsafe' | 'unavailable';
  /** The bwrap version, or why commands cannot run and what to do. */
  detail: string;
}

/** Result of `claimWorkspace`. */
export interface ClaimWorkspaceResult {
  /** The task queue of the worker that holds the workspace: schedule its activities there. */
  task_queue: string;
  /** That worker's identity (host and process), for status and logs. */
  worker: string;
  /** The folder, with symlinks resolved. */
  path: string;
  /** The commit checked out, null in a repository without commits yet. */
  head: string | null;
  /** `git init` ran because the folder had no repository. */
  initialized: boolean;
  /** The folder was recreated or reset from `checkpoint`. */
  recreated: boolean;
  sandbox: SandboxStatus;
}

/** Input of `runEditorTool`. */
export interface EditorToolInput {
  /** The workspace folder, as `claimWorkspace` returned it. */
  path: string;
  /** The model's `tool_use.id`: a call with an id already run returns the recorded result. */
  tool_use_id: string;
  /** The model's `tool_use.input`, unchecked. */
  input: unknown;
  /** Longest result, in characters (default 20,000; at least 1,000). */
  max_output_chars?: number;
}

/** Input of `runBashTool`. */
export interface BashToolInput {
  path: string;
  tool_use_id: string;
  input: unknown;
  /** Time limit of the command, in ms (default 120,000); past it the command is killed. */
  timeout_ms?: number;
  max_output_chars?: number;
  /** The session's policy, checked again here (default allow). */
  policy?: CommandPolicy;
  /** A person approved this call (for a policy that asks). */
  approved?: boolean;
}

/** How a tool call ended. */
export type ToolCallStatus =
  /** It ran now. */
  | 'completed'
  /** It had run before (same `tool_use_id`): this is the recorded result, nothing ran again. */
  | 'replayed'
  /** It had started before and never finished (the worker stopped): it was not run again. */
  | 'interrupted'
  /** It was not run: bad input, a path outside the workspace, the policy, no sandbox. */
  | 'refused';

/** Result of `runEditorTool` and `runBashTool`: the text of the `tool_result` block, and facts. */
export interface WorkspaceToolResult {
  content: string;
  is_error: boolean;
  status: ToolCallStatus;
  truncated: boolean;
  /** Length of the whole output before truncation. */
  original_chars: number;
  duration_ms: number;
  /** Bash only: the exit code (null when killed). */
  exit_code?: number | null;
  /** Bash only: killed at its time limit. */
  timed_out?: boolean;
}

/** Input of `verifyWorkspace`: run the test command in the sandbox. */
export interface VerifyWorkspaceInput {
  path: string;
  command: string;
  /** Default 600,000 (10 minutes). */
  timeout_ms?: number;
}

/** Result of `verifyWorkspace`. */
export type VerifyWorkspaceResult = VerificationResult;

/** Input of `commitWorkspace`. */
export interface CommitWorkspaceInput {
  path: string;
  /** Commit message, e.g. `baton: SPEC-001 phase 2 red complete`. */
  message: string;
  /** Also store a git bundle of the commit in the conversation store, so another worker can recreate it. */
  checkpoint?: boolean;
}

/** Result of `commitWorkspace`. */
export interface CommitWorkspaceResult {
  commit: string;
  /** False when nothing had changed (the commit is the existing HEAD). */
  changed: boolean;
  /** Files the commit changed compared with its parent (empty when unchanged). */
  files: string[];
  /** Present when `checkpoint` was asked for. */
  checkpoint?: WorkspaceCheckpoint;
}

/** Input of `restoreWorkspace`: put the files back to a commit (uncommitted work is discarded). */
export interface RestoreWorkspaceInput {
  path: string;
  commit: string;
  /** Where to get the commit when the repository lacks it. */
  bundle_id?: string;
}

/** Result of `restoreWorkspace`. */
export interface RestoreWorkspaceResult {
  commit: string;
  /** Files that differed from the commit and were put back (tracked changes and untracked files). */
  files: string[];
}

/** Input of `forkWorkspace`: a git worktree on its own branch, for a fork or an `explore` variant. */
export interface ForkWorkspaceInput {
  /** The workspace being forked. */
  path: string;
  /** Names the branch (`baton/<fork_id>`) and the worktree folder. */
  fork_id: string;
  /** The commit the fork starts from. */
  commit: string;
}

/** Result of `forkWorkspace`. */
export interface ForkWorkspaceResult {
  /** The worktree's folder (on the same worker). */
  path: string;
  branch: string;
  commit: string;
}

/** Input of `mergeWorkspace`: bring a fork's branch (`baton/<fork_id>`) into the workspace. */
export interface MergeWorkspaceInput {
  path: string;
  fork_id: string;
}

/** Result of `mergeWorkspace`. */
export interface MergeWorkspaceResult {
  /** False when the fork had no branch here (it had no workspace): nothing to merge. */
  merged: boolean;
  branch: string;
  /** The workspace's commit after the merge. */
  commit?: string;
  /** Files the merge changed. */
  files: string[];
}

/** The text the model reads for a call that started and never finished. */
export function interruptedToolMessage(summary: string): string {
  return (
    `${summary} was interrupted: the worker running it stopped before it finished, and it was not run again ` +
    'because it may have had effects. Check the state of the workspace (for example with `git status` or by viewing the files) before trying again.'
  );
}

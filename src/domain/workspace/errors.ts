/**
 * Failures of the workspace activities, as `ApplicationFailure` types that workflows and retry
 * policies can match (`nonRetryableErrorTypes`) without importing worker code; and the domain's
 * own error for a malformed policy. Workflow-safe.
 */
import { BatonError } from '../errors';

export const WorkspaceFailureType = {
  /** The activity input is malformed (no workspace, bad limit). Never retried. */
  InvalidInput: 'InvalidWorkspaceInput',
  /** A tool activity ran on a task queue other than the workspace worker's own. Never retried. */
  WrongTaskQueue: 'WorkspaceWrongTaskQueue',
  /** The folder has uncommitted changes and `allow_dirty` was not given. Never retried. */
  DirtyWorkspace: 'DirtyWorkspace',
  /** The folder is missing or not a directory, and there is no checkpoint to recreate it from. */
  WorkspaceMissing: 'WorkspaceMissing',
  /** bubblewrap cannot run here and commands were not allowed unsandboxed. Never retried. */
  SandboxUnavailable: 'SandboxUnavailable',
  /** A commit named in the input is not in the repository (nor in its checkpoint bundle). */
  UnknownCommit: 'UnknownWorkspaceCommit',
  /** A git command failed. Retried (a lock file left by a crash clears). */
  GitFailed: 'WorkspaceGitFailed',
} as const;

export type WorkspaceFailureType = (typeof WorkspaceFailureType)[keyof typeof WorkspaceFailureType];

/** A command policy that is not well formed. */
export class InvalidCommandPolicyError extends BatonError {}

/**
 * Errors of the worker's workspace module. Each says what went wrong and what to do; the
 * activities map them to `ApplicationFailure`s of the matching `FailureType`.
 */
import { BatonError } from '../domain/errors';
import { FailureType } from '../domain/failures';

/** Base of the workspace errors; `type` is the failure type the activities report. */
export class WorkspaceError extends BatonError {
  constructor(
    message: string,
    readonly type: FailureType,
    /** Whether Temporal should try the activity again. */
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The folder has uncommitted changes and `allow_dirty` was not given. */
export class DirtyWorkspaceError extends WorkspaceError {
  constructor(
    readonly path: string,
    readonly files: string[],
  ) {
    const shown =
      files.slice(0, 10).join(', ') + (files.length > 10 ? `, and ${files.length - 10} more` : '');
    super(
      `The workspace ${path} has uncommitted changes (${shown}). Commit or stash them first, or pass --allow-dirty ` +
        '(allow_dirty: true) to let baton include them in its first commit.',
      FailureType.DirtyWorkspace,
    );
  }
}

/** The folder cannot be used as a workspace (not a directory, inside another repository…). */
export class WorkspaceUnusableError extends WorkspaceError {
  constructor(message: string) {
    super(message, FailureType.WorkspaceMissing);
  }
}

/** A git command failed; its stderr is in the message. */
export class GitCommandError extends WorkspaceError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    cwd: string,
  ) {
    super(
      `git ${args.join(' ')} failed in ${cwd} (exit ${String(exitCode)}): ${stderr.trim() || '(no output)'}`,
      FailureType.WorkspaceGitFailed,
      true,
    );
  }
}

/** A commit that is neither in the repository nor in the bundle offered for it. */
export class UnknownCommitError extends WorkspaceError {
  constructor(
    readonly commit: string,
    path: string,
    hint: string,
  ) {
    super(`Commit ${commit} is not in the workspace ${path}. ${hint}`, FailureType.UnknownWorkspaceCommit);
  }
}

/** bubblewrap cannot run on this worker and commands were not allowed to run unsandboxed. */
export class SandboxUnavailableError extends WorkspaceError {
  constructor(reason: string) {
    super(
      `Commands cannot run: ${reason} baton runs every command the model asks for inside bubblewrap. ` +
        'Install it with `apt-get install bubblewrap` (or run scripts/ensure-bubblewrap.sh), or opt out explicitly ' +
        'with --unsafe-commands (BATON_UNSAFE_COMMANDS=1) to run commands without a sandbox.',
      FailureType.SandboxUnavailable,
    );
  }
}

/** A workspace activity input that is malformed. */
export class InvalidWorkspaceInputError extends WorkspaceError {
  constructor(message: string) {
    super(message, FailureType.InvalidWorkspaceInput);
  }
}

/** A fork's files cannot be merged: both lines changed the same lines of these files. */
export class WorkspaceMergeConflictError extends WorkspaceError {
  constructor(
    readonly branch: string,
    readonly conflicts: string[],
    path: string,
  ) {
    super(
      `The files of ${branch} conflict with ${path} (${conflicts.join(', ')}); nothing was merged. ` +
        'Restore one side to a checkpoint, or resolve it in the folder with git and merge again.',
      FailureType.WorkspaceMergeConflict,
    );
  }
}

/** The `code` of a Node.js system error (`ENOENT`, …) as a string, if the error has one. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

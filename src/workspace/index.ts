/**
 * Workspaces on the worker: git repositories on this worker's disk, the text editor and bash tool
 * executors, the bubblewrap sandbox, checkpoints as git bundles in the conversation store, and the
 * worker-specific task queue that keeps a workspace's activities on the worker that holds it.
 */
export { claimWorkspace, INITIAL_COMMIT_MESSAGE } from './claim-workspace';
export { commitWorkspace, forkWorkspace, mergeWorkspace, restoreWorkspace } from './checkpoints';
export { commandEnvironment, isSecretVariable, PASSED_VARIABLES, SECRET_VARIABLE } from './command-env';
export type { CommandEnvironmentOptions } from './command-env';
export { MAX_DIRECTORY_ENTRIES, MAX_EDIT_FILE_BYTES, runEditorCommand } from './editor';
export type { EditorOutcome } from './editor';
export {
  DirtyWorkspaceError,
  GitCommandError,
  InvalidWorkspaceInputError,
  SandboxUnavailableError,
  UnknownCommitError,
  WorkspaceError,
  WorkspaceUnusableError,
} from './errors';
export { BATON_GIT_IDENTITY, CHECKPOINT_REF_PREFIX, GitRepository } from './git';
export { resolveWorkspacePath } from './resolve-path';
export type { ResolvedPath } from './resolve-path';
export { runProcess } from './run-process';
export type { ProcessResult, RunProcessOptions } from './run-process';
export { bubblewrapArgs, defaultHiddenPaths, probeSandbox, SENSITIVE_HOME_ENTRIES } from './sandbox';
export type { Sandbox, SandboxLayout, SandboxMode } from './sandbox';
export {
  DEFAULT_BASH_TIMEOUT_MS,
  DEFAULT_VERIFY_TIMEOUT_MS,
  MAX_COMMAND_TIMEOUT_MS,
  runBashTool,
  runEditorTool,
  verifyWorkspace,
} from './tool-calls';
export type { ToolCallContext } from './tool-calls';
export { ToolJournal } from './tool-journal';
export type { JournalEntry } from './tool-journal';
export { defaultWorkspaceQueue, WorkspaceHost } from './workspace-host';
export type { RunCommandOptions, WorkspaceHostOptions } from './workspace-host';

/**
 * The workspace domain: the client tools the model gets (text editor, bash), path rules, the
 * command policy, tool-call summaries, output truncation, verified gates and the activity contract.
 * Pure and workflow-safe.
 */
export {
  BASH_TOOL_NAME,
  BASH_TOOL_TYPE,
  EDITOR_TOOL_NAME,
  EDITOR_TOOL_TYPE,
  isWorkspaceToolName,
  workspaceToolDefinitions,
} from './tool-schemas';
export type { BashToolDefinition, EditorToolDefinition, WorkspaceToolOptions } from './tool-schemas';
export { EDITOR_COMMANDS, parseBashInput, parseEditorInput } from './tool-inputs';
export type {
  BashInput,
  EditorCommand,
  EditorCreateInput,
  EditorInput,
  EditorInsertInput,
  EditorStrReplaceInput,
  EditorViewInput,
  Parsed,
} from './tool-inputs';
export { MAX_PATH_CHARS, absoluteWorkspacePath, canonicalRoot, displayPath, workspacePath } from './paths';
export type { WorkspacePath } from './paths';
export {
  DEFAULT_COMMAND_POLICY,
  commandPolicyProblem,
  decideCommand,
  parseCommandPolicy,
  simpleCommands,
} from './command-policy';
export type { CommandDecision, CommandPolicy } from './command-policy';
export { SUMMARY_COMMAND_CHARS, toolCallSummary, verifySummary } from './summaries';
export {
  DEFAULT_MAX_OUTPUT_CHARS,
  MIN_OUTPUT_CHARS,
  WORKSPACE_RESULT_CLASS,
  cutOutput,
  outputTail,
} from './output';
export type { CutOutput } from './output';
export { gateVerdict } from './verification';
export type { GateExpectation, GateVerdict, VerificationResult } from './verification';
export { InvalidCommandPolicyError } from './errors';
export { interruptedToolMessage } from './contract';
export { interruptedToolResult, refusedToolResult } from './tool-results';
export {
  MAX_COMMAND_TIMEOUT_MS,
  permissionAnswerProblem,
  workspaceRequestProblem,
} from './session-workspace';
export type {
  ForkSource,
  HeldWorkspace,
  PermissionAnswer,
  PermissionRequest,
  WorkspaceRequest,
} from './session-workspace';
export type {
  BashToolInput,
  ClaimWorkspaceInput,
  ClaimWorkspaceResult,
  CommitWorkspaceInput,
  CommitWorkspaceResult,
  EditorToolInput,
  ForkWorkspaceInput,
  ForkWorkspaceResult,
  MergeWorkspaceInput,
  MergeWorkspaceResult,
  RestoreWorkspaceInput,
  RestoreWorkspaceResult,
  SandboxStatus,
  ToolCallStatus,
  VerifyWorkspaceInput,
  VerifyWorkspaceResult,
  WorkspaceCheckpoint,
  WorkspaceToolResult,
} from './contract';

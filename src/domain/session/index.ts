export { ZERO_CUMULATIVE, contextFill, costOf, addUsage, tokenBudget, cumulativeTokens } from './budget';
export type { CumulativeUsage, TokenBudget } from './budget';
export { checkpointNameProblem } from './checkpoint-names';
export { classifyMessage } from './classification';
export { capFloor, floorCapNote } from './floor';
export type { CappedFloor } from './floor';
export type { ClassificationInput } from './classification';
export {
  toUnits,
  recentTurnsStart,
  planCompaction,
  stubLine,
  composeSummaryText,
  chunkByTokens,
} from './compaction-plan';
export type { DroppedItem, CompactionPlan, PlanOptions } from './compaction-plan';
export type { CompactionMode, CompactionTrigger, CompactionReport } from './compaction-report';
export { shouldSummarizeBeforeTurn, rolloverReason } from './context-pressure';
export type { RolloverReason } from './context-pressure';
export {
  DEFAULT_TASK_QUEUE,
  SESSION_WORKFLOW_TYPE,
  sendUpdate,
  readyUpdate,
  closeUpdate,
  compactUpdate,
  checkpointUpdate,
  restoreUpdate,
  mergeUpdate,
  optimizeMcpUpdate,
  statusQuery,
  definitionQuery,
  checkpointsQuery,
  snapshotQuery,
  SessionFailureType,
} from './contract';
export type {
  SessionLineage,
  CheckpointReason,
  CheckpointRecord,
  ResumeRecord,
  MergeRecord,
  MergeStrategy,
  RolloverRecord,
  CarriedState,
  SessionInput,
  SessionScript,
  ScriptOutput,
  SessionRunStatus,
  SessionStatus,
  SessionDefinition,
  RestoreRequest,
  RestoreResult,
  MergeRequest,
  MergeResult,
  SendRequest,
  ToolCallRecord,
  SendResult,
  CompactRequest,
  CheckpointRequest,
  SessionSnapshot,
} from './contract';
export { CONTEXT_CLASSES, isNodeId, textOf } from './conversation';
export type {
  ContextClass,
  Role,
  TextBlock,
  ToolUseBlock,
  ToolResultBlock,
  ContentBlock,
  NodeKind,
  NodeMeta,
  MessageNode,
  StoredNode,
  NewMessage,
} from './conversation';
export { hasDecisionLine, extractDecisionLines } from './decisions';
export { renderSessionDetails, sessionStatusLine, contextLine } from './details';
export { sessionIdProblem, newSessionId } from './ids';
export {
  closedProblem,
  compactRequestProblem,
  restoreRequestProblem,
  selfMergeProblem,
  mergeStrategyProblem,
  mergeRequestProblem,
  optimizeRequestProblem,
} from './request-checks';
export type { SessionFacts } from './request-checks';
export { sendRequestProblem } from './send-validation';
export { estimateTokens } from './token-estimate';
export { DEFAULT_SESSION_SETTINGS, resolveSessionSettings } from './settings';
export { InvalidSessionSettingsError } from './errors';
export type { SessionSettings } from './settings';
export { ZERO_USAGE, normalizeUsage, sumUsage } from './usage';
export type { Usage } from './usage';
export {
  MAX_AUTOMATIC_CHECKPOINTS,
  initialState,
  definitionOf,
  budgetOf,
  factsOf,
  applyTurn,
  applyCompaction,
  checkpointOf,
  applyCheckpoint,
  findCheckpoint,
  applyRestore,
  applyMerge,
  applyRollover,
  applyScriptOutput,
  applyClose,
  rolloverDue,
  runStatusOf,
  sessionStatus,
  carriedOf,
  nextRunInput,
  resumedCarry,
} from './state';
export type { SessionState, CheckpointStamp } from './state';

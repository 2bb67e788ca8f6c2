export {
  ZERO_CUMULATIVE,
  contextFill,
  costOf,
  isPriced,
  addUsage,
  tokenBudget,
  cumulativeTokens,
  roundUsd,
} from './budget';
export type { CumulativeUsage, TokenBudget } from './budget';
export { BUDGET_NOTE_EXPLANATION, budgetNote, parseBudgetNote } from './budget-note';
export { cacheStats } from './cache-stats';
export type { CacheStats } from './cache-stats';
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
export type { CompactionMode, CompactionTrigger, CompactionReport, TurnCost } from './compaction-report';
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
  answerPermissionUpdate,
  statusQuery,
  definitionQuery,
  checkpointsQuery,
  snapshotQuery,
  SessionFailureType,
} from './contract';
export type { SessionSnapshot } from './contract';
export type {
  SessionLineage,
  CheckpointReason,
  CheckpointRecord,
  ResumeRecord,
  MergeRecord,
  MergeStrategy,
  RolloverRecord,
} from './records';
export type {
  CarriedState,
  SessionInput,
  SessionScript,
  ScriptOutput,
  SessionDefinition,
} from './session-input';
export type { SessionRunStatus, SessionStatus } from './status';
export type {
  RestoreRequest,
  RestoreResult,
  MergeRequest,
  MergeResult,
  SendRequest,
  ToolCallRecord,
  SendResult,
  CompactRequest,
  CheckpointRequest,
} from './requests';
export { CONTEXT_CLASSES, isNodeId, textOf } from './conversation';
export type {
  ContextClass,
  Role,
  TextBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
  ContentBlock,
  NodeKind,
  NodeMeta,
  MessageNode,
  StoredNode,
  NewMessage,
} from './conversation';
export { hasDecisionLine, extractDecisionLines, isDecisionLine, missingLines } from './decisions';
export {
  TURN_EVENTS_TOPIC,
  cancelTurnUpdate,
  requestIdProblem,
  cancelRequestProblem,
  retainFrom,
  TURN_EVENTS_RETAINED_MAX,
  TURN_EVENTS_RETAINED_MS,
} from './live-turn';
export type {
  TurnEvent,
  TurnEventBase,
  TurnOutcome,
  TurnStreamTarget,
  StreamedTurnStart,
  CancelTurnRequest,
  CancelTurnResult,
} from './live-turn';
export { renderSessionDetails, sessionStatusLine, contextLine, permissionLine } from './details';
export { sessionIdProblem, newSessionId, shortId } from './ids';
export { sessionStartup } from './startup';
export { mergeRecordOf } from './merge-record';
export { workspaceToolAnswer } from './workspace-tool-answer';
export { modelCallOptions, thinkingProblem } from './model-call';
export type { ModelCallOptions, ThinkingConfig } from './model-call';
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
export { DEFAULT_SESSION_SETTINGS, resolveSessionSettings, MIN_THINKING_BUDGET } from './settings';
export { InvalidSessionSettingsError } from './errors';
export type { SessionSettings, CacheTtl } from './settings';
export { ZERO_USAGE, normalizeUsage, sumUsage } from './usage';
export type { Usage, RawUsage } from './usage';
export { initialState, definitionOf, budgetOf, factsOf, applyScriptOutput, applyClose } from './state';
export type { SessionState } from './state';
export { applyTurn, applyCompaction, applyMerge } from './accounting';
export {
  MAX_AUTOMATIC_CHECKPOINTS,
  checkpointOf,
  applyCheckpoint,
  findCheckpoint,
  applyRestore,
} from './checkpoints';
export type { CheckpointStamp } from './checkpoints';
export { applyRollover, rolloverDue, carriedOf, nextRunInput, resumedCarry } from './carry-over';
export { runStatusOf, sessionStatus } from './status-view';

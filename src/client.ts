/**
 * baton's client library: start sessions, send them messages, read their budget. The `baton` CLI
 * (src/cli/) is built on exactly this API.
 */
export { BatonClient, type BatonClientOptions } from './client/baton-client';
export {
  type SessionListEntry,
  type SessionStatusWithLink,
  type StartSessionOptions,
  type StartSessionResult,
  type StartWithReplyResult,
  SessionsClient,
} from './client/sessions-client';
export { type ConnectionSettings, resolveConnectionSettings } from './client/connection-settings';
export { BatonError } from './domain/errors';
export { FailureType, FINAL_MODEL_CALL_FAILURES } from './domain/failures';
export { newRequestId, type SendStreamOptions } from './client/streamed-send';
export {
  droppedEventsNote,
  TurnEventReader,
  type DroppedEvents,
  type PositionedTurnEvent,
} from './client/turn-event-reader';
export {
  HandoffExistsError,
  HandoffFailedError,
  SpecFailedError,
  HandoffNotFoundError,
  InvalidInputError,
  NoWorkerError,
  NotASessionError,
  SessionExistsError,
  SessionNotFoundError,
  SessionRequestError,
  TemporalUnavailableError,
} from './client/errors';
export type { ExploreResult, ExploreVariant, ForkOptions, ForkResult } from './client/fork-session';
export type { MergeOptions, MergeOutcome } from './client/merge-session';
export type { ResumeOptions, ResumeResult } from './client/resume-session';
export { BUNDLE_FORMAT, BUNDLE_VERSION, validateBundle, type SessionBundle } from './client/session-bundle';
export type {
  CheckpointRecord,
  MergeRecord,
  MergeResult,
  MergeStrategy,
  RestoreResult,
  SendRequest,
  SendResult,
  SessionStatus,
  TurnEvent,
  TurnOutcome,
  CancelTurnRequest,
  CancelTurnResult,
} from './domain/session';
export type { CompactionReport } from './domain/session';
export type { TokenBudget, CumulativeUsage } from './domain/session';
export {
  HandoffsClient,
  toHandoffId,
  type HandoffRunResult,
  type HandoffStarted,
  type HandoffStatusWithLink,
  type RunHandoffOptions,
} from './client/handoffs-client';
export type { AgentDefinition } from './domain/handoff';
export { DEFAULT_AGENTS } from './domain/handoff';
export {
  DEFAULT_HANDOFF_FLOOR,
  HandoffFailureType,
  type AgentRun,
  type HandoffInput,
  type HandoffResult,
  type HandoffStatus,
  type HandoffTotals,
  type ResolvedAgent,
} from './domain/handoff';
export { handoffPackageProblems, type HandoffPackage } from './domain/handoff';
export type { FieldProblem } from './domain/handoff';
export type { RunSpecOptions, SpecStarted, SpecStatusWithLink } from './client/specs-client';
export type { RunFailure } from './client/run-failure';
export {
  MAX_PHASE_ATTEMPTS,
  type SpecWorkspaceOptions,
  type WorkspaceOptions,
} from './client/workspace-options';
export type {
  CommandPolicy,
  HeldWorkspace,
  PermissionAnswer,
  PermissionRequest,
  WorkspaceRequest,
} from './domain/workspace';
export type { PhaseGate, PhaseRecord, SpecStatus, SpecWorkspace } from './domain/spec';

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
  SessionsClient,
} from './client/sessions-client';
export { type ConnectionSettings, resolveConnectionSettings } from './client/connection-settings';
export {
  InvalidInputError,
  NoWorkerError,
  SessionExistsError,
  SessionNotFoundError,
  SessionRequestError,
  TemporalUnavailableError,
  isInvalidInputError,
  isNoWorkerError,
  isSessionExistsError,
  isSessionNotFoundError,
  isSessionRequestError,
  isTemporalUnavailableError,
} from './client/errors';
export type { ExploreResult, ExploreVariant, ForkOptions, ForkResult } from './client/fork-session';
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
} from './domain/session-contract';
export type { CompactionReport } from './domain/compaction-report';
export type { TokenBudget, CumulativeUsage } from './domain/budget';

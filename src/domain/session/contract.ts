/**
 * The contract between the baton client and the worker for sessions: the task queue, the workflow
 * type, the update and query definitions, and the failure types its updates throw. The shapes they
 * carry live beside it (session-input.ts, records.ts, status.ts, requests.ts). Workflow-safe; both
 * sides import it so that every client call is type-checked.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CompactionReport } from './compaction-report';
import type { CheckpointRecord } from './records';
import type {
  CheckpointRequest,
  CompactRequest,
  MergeRequest,
  MergeResult,
  RestoreRequest,
  RestoreResult,
  SendRequest,
  SendResult,
} from './requests';
import type { SessionDefinition } from './session-input';
import type { SessionStatus } from './status';
import type { McpOptimizeRequest, McpOptimizeResult } from '../mcp';
import { FailureType } from '../failures';
import type { PermissionAnswer } from '../workspace';

/** The task queue baton workers poll unless `BATON_TASK_QUEUE` says otherwise. */
export const DEFAULT_TASK_QUEUE = 'baton';

/** Workflow type name of a session (the exported function's name). */
export const SESSION_WORKFLOW_TYPE = 'sessionWorkflow';

/** Sends a user message and returns the model's reply. Rejected when empty, too large or closed. */
export const sendUpdate = defineUpdate<SendResult, [SendRequest]>('send');
/** Waits until the session has stored its task and measured its context, then returns status. */
export const readyUpdate = defineUpdate<SessionStatus, []>('ready');
/** Closes the session; the run completes with its final status. */
export const closeUpdate = defineUpdate<SessionStatus, []>('close');
/** Compacts the context now (progressive summarization); reports what it did. */
export const compactUpdate = defineUpdate<CompactionReport, [CompactRequest]>('compact');
/** Records a named checkpoint of the current head and budget. */
export const checkpointUpdate = defineUpdate<CheckpointRecord, [CheckpointRequest]>('checkpoint');
/** Moves the head and context budget back to a checkpoint (after checkpointing the present). */
export const restoreUpdate = defineUpdate<RestoreResult, [RestoreRequest]>('restore');
/** Merges another session's line of work into this one. */
export const mergeUpdate = defineUpdate<MergeResult, [MergeRequest]>('merge');
/** Answers the command waiting for permission (`ask` policy); resolves once the answer is taken. */
export const answerPermissionUpdate = defineUpdate<SessionStatus, [PermissionAnswer]>('answerPermission');
/** Enables the servers a task profile recommends and disables the rest. */
export const optimizeMcpUpdate = defineUpdate<McpOptimizeResult, [McpOptimizeRequest]>('optimizeMcp');
export const statusQuery = defineQuery<SessionStatus>('status');
export const definitionQuery = defineQuery<SessionDefinition>('definition');
/** Every checkpoint of the session, across all its runs, oldest first. */
export const checkpointsQuery = defineQuery<CheckpointRecord[]>('checkpoints');

/** A session's status, definition and checkpoints at once: what a fork or a resume starts from. */
export interface SessionSnapshot {
  status: SessionStatus;
  definition: SessionDefinition;
  checkpoints: CheckpointRecord[];
}

/**
 * Status, definition and checkpoints in one query: a fork or a resume reads its source with one
 * round trip instead of three.
 */
export const snapshotQuery = defineQuery<SessionSnapshot>('snapshot');

/**
 * The failure types a session's updates throw (a view of {@link FailureType}); a failed model call
 * passes its own type through (`RateLimited`, `ApiOverloaded`, …).
 */
export const SessionFailureType = {
  ModelCallFailed: FailureType.ModelCallFailed,
  ContextOverflow: FailureType.ContextOverflow,
  InvalidRequest: FailureType.InvalidRequest,
  SessionClosed: FailureType.SessionClosed,
  CompactionFailed: FailureType.CompactionFailed,
  MergeRefused: FailureType.MergeRefused,
  TurnCancelled: FailureType.TurnCancelled,
} as const;

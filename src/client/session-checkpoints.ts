import {
  checkpointNameProblem,
  checkpointUpdate,
  compactUpdate,
  restoreUpdate,
  type CheckpointRecord,
  type CompactionReport,
  type CompactRequest,
  type RestoreResult,
} from '../domain/session';
import { InvalidInputError } from './errors';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { readCheckpoints, readSessionState } from './session-state';
import type { SessionTargets } from './session-target';
import { executeSessionUpdate } from './session-updates';

/**
 * Compacts the session's context now. See `SessionsClient.compact`.
 * @throws SessionRequestError when summarization fails; the session keeps its context.
 */
export async function compactSession(
  ctx: SessionContext,
  targets: SessionTargets,
  sessionId: string,
  request: CompactRequest,
): Promise<CompactionReport> {
  assertSessionId(sessionId);
  await targets.assertApplies(sessionId, 'compact');
  return executeSessionUpdate(ctx, sessionId, compactUpdate, [request]);
}

/**
 * Records a named checkpoint of the session's head and budget. See `SessionsClient.checkpoint`.
 * @throws InvalidInputError for a bad checkpoint name.
 */
export async function checkpointSession(
  ctx: SessionContext,
  targets: SessionTargets,
  sessionId: string,
  options: { name?: string },
): Promise<CheckpointRecord> {
  assertSessionId(sessionId);
  if (options.name !== undefined) {
    const problem = checkpointNameProblem(options.name);
    if (problem) throw new InvalidInputError(problem);
  }
  await targets.assertApplies(sessionId, 'checkpoint');
  return executeSessionUpdate(ctx, sessionId, checkpointUpdate, [options]);
}

/**
 * The session's checkpoints across all its runs, oldest first. See `SessionsClient.checkpoints`.
 * @throws SessionNotFoundError for an unknown id.
 */
export async function listCheckpoints(ctx: SessionContext, sessionId: string): Promise<CheckpointRecord[]> {
  assertSessionId(sessionId);
  await readSessionState(ctx, sessionId);
  return readCheckpoints(ctx, sessionId);
}

/**
 * Returns the session's head and budget to a checkpoint, checkpointing the present first. See
 * `SessionsClient.restore`.
 * @throws InvalidInputError for an empty checkpoint; SessionRequestError for one the session does
 * not have.
 */
export async function restoreSession(
  ctx: SessionContext,
  targets: SessionTargets,
  sessionId: string,
  checkpoint: string,
): Promise<RestoreResult> {
  assertSessionId(sessionId);
  if (checkpoint.trim() === '') throw new InvalidInputError('Name the checkpoint to restore (id or name).');
  await targets.assertApplies(sessionId, 'restore');
  return executeSessionUpdate(ctx, sessionId, restoreUpdate, [{ checkpoint }]);
}

import { QueryNotRegisteredError } from '@temporalio/client';
import {
  checkpointsQuery,
  definitionQuery,
  snapshotQuery,
  statusQuery,
  type CheckpointRecord,
  type SessionDefinition,
  type SessionSnapshot,
  type SessionStatus,
} from '../domain/session';
import { InvalidInputError, NotASessionError } from './errors';
import { describeTarget, targetProblem, type SessionCommand, type SessionTarget } from './session-target';
import { sessionHandle, type SessionContext } from './session-context';
import { toBatonError } from './temporal-errors';

/** A session's last known state, whether its run is open or closed. */
export interface SessionState {
  /** Temporal's status of the latest run: RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, … */
  execution_status: string;
  running: boolean;
  status: SessionStatus;
  /** What the id names: a session, a SPEC's embedded session or a handoff agent's. */
  target: SessionTarget;
}

/**
 * Reads a session's status: from its result once a session completed, and otherwise by query
 * (the worker replays the history of a run that has ended). A SPEC answers for the session it
 * embeds. A run that has ended takes no more requests, so its status says `closed`.
 * @throws SessionNotFoundError for an unknown id; NotASessionError for a handoff (or any
 * workflow that holds no session).
 */
export async function readSessionState(ctx: SessionContext, sessionId: string): Promise<SessionState> {
  const described = await describeTarget(ctx, sessionId);
  const { target, running } = described;
  const problem = targetProblem(sessionId, target, 'status');
  if (problem) throw new NotASessionError(problem);
  const handle = sessionHandle(ctx, sessionId);
  try {
    let current: SessionStatus;
    if (described.execution_status === 'COMPLETED' && target.kind !== 'spec') {
      current = await handle.result();
    } else {
      await ctx.workers.assertPolling();
      current = await handle.query(statusQuery);
    }
    if (!running) current = { ...current, status: 'closed' };
    return { execution_status: described.execution_status, running, status: current, target };
  } catch (err) {
    throw toBatonError(err, sessionId);
  }
}

/** The session's model, system prompt, settings and lineage. */
export async function readDefinition(ctx: SessionContext, sessionId: string): Promise<SessionDefinition> {
  await ctx.workers.assertPolling();
  try {
    return await sessionHandle(ctx, sessionId).query(definitionQuery);
  } catch (err) {
    throw toBatonError(err, sessionId);
  }
}

/**
 * Status, definition and checkpoints in one query (the worker replays a closed session to answer).
 * The id is described only when the query is refused, so reading a session stays one round trip.
 * @throws SessionNotFoundError for an unknown id; NoWorkerError when no worker polls;
 * NotASessionError for a handoff (or any workflow that holds no session), naming what it is.
 */
export async function readSnapshot(
  ctx: SessionContext,
  sessionId: string,
  command: SessionCommand = 'status',
): Promise<SessionSnapshot> {
  await ctx.workers.assertPolling();
  try {
    return await sessionHandle(ctx, sessionId).query(snapshotQuery);
  } catch (err) {
    if (err instanceof QueryNotRegisteredError) {
      const problem = targetProblem(sessionId, (await describeTarget(ctx, sessionId)).target, command);
      if (problem) throw new NotASessionError(problem);
    }
    throw toBatonError(err, sessionId);
  }
}

/** Every checkpoint of the session across its runs. */
export async function readCheckpoints(ctx: SessionContext, sessionId: string): Promise<CheckpointRecord[]> {
  await ctx.workers.assertPolling();
  try {
    return await sessionHandle(ctx, sessionId).query(checkpointsQuery);
  } catch (err) {
    throw toBatonError(err, sessionId);
  }
}

/**
 * Finds a checkpoint by id, or by name (the newest with that name).
 * @throws InvalidInputError saying how to list the session's checkpoints.
 */
export function findCheckpoint(
  checkpoints: readonly CheckpointRecord[],
  idOrName: string,
  sessionId: string,
): CheckpointRecord {
  const found =
    checkpoints.find((c) => c.checkpoint_id === idOrName) ?? checkpoints.findLast((c) => c.name === idOrName);
  if (!found) {
    throw new InvalidInputError(
      `No checkpoint '${idOrName}' in session ${sessionId}. List them with \`baton session checkpoints ${sessionId}\`.`,
    );
  }
  return found;
}

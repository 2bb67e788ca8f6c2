import {
  checkpointsQuery,
  definitionQuery,
  statusQuery,
  type CheckpointRecord,
  type SessionDefinition,
  type SessionStatus,
} from '../domain/session';
import { InvalidInputError } from './errors';
import { sessionHandle, type SessionContext } from './session-context';
import { toBatonError } from './temporal-errors';

/** A session's last known state, whether its run is open or closed. */
export interface SessionState {
  /** Temporal's status of the latest run: RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, … */
  execution_status: string;
  running: boolean;
  status: SessionStatus;
}

/**
 * Reads a session's status: by query while it runs, from its result once it completed, and by
 * query (the worker replays the history) after it failed or was terminated.
 * @throws SessionNotFoundError for an unknown id.
 */
export async function readSessionState(ctx: SessionContext, sessionId: string): Promise<SessionState> {
  const handle = sessionHandle(ctx, sessionId);
  try {
    const { status } = await handle.describe();
    const running = status.name === 'RUNNING';
    let current: SessionStatus;
    if (status.name === 'COMPLETED') {
      current = await handle.result();
    } else {
      await ctx.workers.assertPolling();
      current = await handle.query(statusQuery);
    }
    return { execution_status: status.name, running, status: current };
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

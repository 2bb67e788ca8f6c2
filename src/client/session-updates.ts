import type { UpdateDefinition } from '@temporalio/common';
import { FailureType } from '../domain/failures';
import { SessionNotFoundError, SessionRequestError } from './errors';
import { sessionHandle, type SessionContext } from './session-context';
import { toBatonError } from './temporal-errors';

/**
 * Sends an update to a session's current run and translates failures into baton errors.
 *
 * An update that reaches a run in the instant it continues-as-new is refused as "not found"
 * before the workflow saw it (the workflow waits for every admitted handler before it rolls over),
 * so it is sent once more: the handle without a run id then targets the new run. An update to a
 * session whose run has completed is reported as "closed", which is what the user needs to know.
 */
export async function executeSessionUpdate<Ret, Args extends [unknown, ...unknown[]] | []>(
  ctx: SessionContext,
  sessionId: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
): Promise<Ret> {
  await ctx.workers.assertPolling();
  const handle = sessionHandle(ctx, sessionId);
  // The SDK's overloads split updates with and without arguments; one path serves both here.
  const call = () =>
    (handle.executeUpdate as (def: unknown, options: { args: unknown[] }) => Promise<Ret>)(update, { args });
  try {
    try {
      return await call();
    } catch (err) {
      if (!(toBatonError(err, sessionId) instanceof SessionNotFoundError)) throw err;
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') throw err;
      return await call();
    }
  } catch (err) {
    throw await explainClosed(ctx, err, sessionId);
  }
}

async function explainClosed(ctx: SessionContext, err: unknown, sessionId: string): Promise<unknown> {
  const mapped = toBatonError(err, sessionId);
  if (!(mapped instanceof SessionNotFoundError)) return mapped;
  try {
    const { status } = await sessionHandle(ctx, sessionId).describe();
    if (status.name === 'RUNNING') return mapped;
    return new SessionRequestError(
      `Session ${sessionId} is closed (${status.name.toLowerCase()}). Resume it with \`baton session resume ${sessionId}\`.`,
      FailureType.SessionClosed,
    );
  } catch {
    return mapped;
  }
}

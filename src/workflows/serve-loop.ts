import { allHandlersFinished, condition, continueAsNew } from '@temporalio/workflow';
import type { SessionInput } from '../domain/session';
import type { SessionEntity } from './session-entity';

/**
 * The emergency rollover every session-running workflow shares: checkpoint and compact
 * aggressively, let the handlers in flight finish (on the compacted context), then continue-as-new
 * with the input `next` builds from the session's carry-over (a SPEC adds its own progress).
 */
export async function rollOver<A>(
  session: SessionEntity,
  next: (session: SessionInput) => A,
): Promise<never> {
  await session.prepareRollover();
  await condition(allHandlersFinished);
  // Same workflow type: the next run resumes from what it is given.
  return continueAsNew<(arg: A) => Promise<unknown>>(next(session.nextRunInput()));
}

/**
 * Serves a session until it is closed, rolling over (continue-as-new) when its context or its
 * history asks for it. A durable timer watches MCP servers meanwhile: one unused for the idle time
 * is disabled, so its tool definitions stop costing tokens on every request.
 */
export async function serveUntilClosed<A>(
  session: SessionEntity,
  next: (session: SessionInput) => A,
): Promise<void> {
  const done = () => session.isClosed || session.rolloverDue !== undefined;
  for (;;) {
    const idleIn = session.msUntilMcpIdle();
    if (idleIn === undefined) {
      await condition(done);
      break;
    }
    if (await condition(done, idleIn)) break;
    session.disableIdleMcpServers();
  }
  if (!session.isClosed) await rollOver(session, next);
  await condition(allHandlersFinished);
}

import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  closeUpdate,
  readyUpdate,
  sendUpdate,
  statusQuery,
  type SendRequest,
  type SessionInput,
  type SessionStatus,
} from '../domain/session-contract';
import { SessionEntity } from './session-entity';

/**
 * A session: an entity workflow whose id is the session id. It serves `send` updates until it is
 * closed; when Temporal suggests a fresh history it continues-as-new with its head and totals.
 * Returns the final status when closed.
 */
export async function sessionWorkflow(input: SessionInput): Promise<SessionStatus> {
  const session = new SessionEntity(input);

  setHandler(statusQuery, () => session.status());
  setHandler(readyUpdate, async () => {
    await condition(() => session.isInitialized);
    return session.status();
  });
  setHandler(sendUpdate, (request) => session.send(request), {
    validator: (request: SendRequest) => session.validateSend(request),
  });
  setHandler(closeUpdate, () => session.close(), { validator: () => session.validateOpen() });

  await session.initialize();
  await condition(() => session.isClosed || workflowInfo().continueAsNewSuggested);
  // Let queued turns and their callers finish before the run ends or hands over.
  await condition(allHandlersFinished);
  if (!session.isClosed) {
    await continueAsNew<typeof sessionWorkflow>(session.carryOver());
  }
  return session.status();
}

import { condition, setHandler } from '@temporalio/workflow';
import {
  cancelRequestProblem,
  cancelTurnUpdate,
  checkpointNameProblem,
  checkpointUpdate,
  answerPermissionUpdate,
  closedProblem,
  closeUpdate,
  compactRequestProblem,
  compactUpdate,
  factsOf,
  findCheckpoint,
  mergeRequestProblem,
  mergeUpdate,
  optimizeMcpUpdate,
  optimizeRequestProblem,
  readyUpdate,
  restoreRequestProblem,
  restoreUpdate,
  sendRequestProblem,
  sendUpdate,
  type CancelTurnRequest,
  type CheckpointRequest,
  type CompactRequest,
  type MergeRequest,
  type RestoreRequest,
  type SendRequest,
  type SessionInput,
  type SessionStatus,
} from '../domain/session';
import { FailureType } from '../domain/failures';
import { permissionAnswerProblem, type PermissionAnswer } from '../domain/workspace';
import type { McpOptimizeRequest } from '../domain/mcp';
import { rollOver, serveUntilClosed } from './serve-loop';
import { registerSessionQueries } from './session-queries';
import { runSessionScript } from './session-script';
import { refuseUpdate } from './refuse-update';
import { SessionEntity } from './session-entity';
import { sessionPresentation, Visibility } from './visibility';

/**
 * A session: an entity workflow whose id is the session id. It serves updates until it is closed.
 * When its context passes the rollover threshold, or its history grows past the configured size
 * (or Temporal suggests it), it checkpoints, compacts aggressively and continues-as-new under the
 * same id with its state. Returns the final status when closed.
 */
export async function sessionWorkflow(input: SessionInput): Promise<SessionStatus> {
  const visibility = new Visibility(() => sessionPresentation(session.status()));
  const session = new SessionEntity(input, () => visibility.publish());
  const facts = () => factsOf(session.getState());
  const refuse = (problem: string | undefined) =>
    refuseUpdate(problem, facts().closed ? FailureType.SessionClosed : FailureType.InvalidRequest);
  // Queued before any handler exists: an update that came with the start (update-with-start) is
  // delivered as soon as its handler is registered, and must wait until the task is stored.
  const initialized = session.initialize();

  registerSessionQueries(session);
  setHandler(readyUpdate, async () => {
    await condition(() => session.isInitialized);
    return session.status();
  });
  setHandler(sendUpdate, (request) => session.send(request), {
    validator: (request: SendRequest) =>
      refuse(sendRequestProblem(request, { ...facts(), context_window: input.model.context_window })),
  });
  setHandler(compactUpdate, (request) => session.compactNow(request?.mode), {
    validator: (request: CompactRequest) => refuse(compactRequestProblem(request, facts())),
  });
  setHandler(
    checkpointUpdate,
    // With a workspace the files are committed too (an activity); without, nothing waits.
    (request) =>
      session.workspace ? session.checkpointWithFiles(request?.name) : session.checkpoint(request?.name),
    {
      validator: (request: CheckpointRequest) =>
        refuse(
          closedProblem(facts()) ??
            (request?.name === undefined ? undefined : checkpointNameProblem(request.name)),
        ),
    },
  );
  setHandler(restoreUpdate, (request) => session.restore(request), {
    validator: (request: RestoreRequest) =>
      refuse(
        restoreRequestProblem(request, {
          ...facts(),
          hasCheckpoint: (c) => findCheckpoint(session.getState(), c) !== undefined,
        }),
      ),
  });
  setHandler(mergeUpdate, (request) => session.merge(request), {
    validator: (request: MergeRequest) => refuse(mergeRequestProblem(request, facts())),
  });
  setHandler(optimizeMcpUpdate, (request) => session.optimizeMcp(request), {
    validator: (request: McpOptimizeRequest) =>
      refuse(optimizeRequestProblem(request, { ...facts(), hasMcp: session.hasMcp })),
  });
  setHandler(answerPermissionUpdate, (answer) => session.answerPermission(answer), {
    validator: (answer: PermissionAnswer) =>
      refuse(closedProblem(facts()) ?? permissionAnswerProblem(answer, session.workspace?.pendingPermission)),
  });
  setHandler(closeUpdate, () => session.close(), { validator: () => refuse(closedProblem(facts())) });
  setHandler(cancelTurnUpdate, (request) => session.cancelTurn(request), {
    validator: (request: CancelTurnRequest) =>
      refuse(closedProblem(facts()) ?? cancelRequestProblem(request)),
  });

  await initialized;
  if (!(await runSessionScript(session))) await rollOver(session, (next) => next);
  await serveUntilClosed(session, (next) => next);
  return session.status();
}

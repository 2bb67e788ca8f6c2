import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  checkpointsQuery,
  checkpointUpdate,
  closeUpdate,
  compactUpdate,
  definitionQuery,
  mergeUpdate,
  optimizeMcpUpdate,
  readyUpdate,
  restoreUpdate,
  sendUpdate,
  statusQuery,
  type CheckpointRequest,
  type CompactRequest,
  type MergeRequest,
  type RestoreRequest,
  type SendRequest,
  type SessionInput,
  type SessionStatus,
} from '../domain/session';
import { checkpointNameProblem } from '../domain/session';
import type { McpOptimizeRequest } from '../domain/mcp';
import { SessionEntity } from './session-entity';

/**
 * A session: an entity workflow whose id is the session id. It serves updates until it is closed.
 * When its context passes the rollover threshold, or its history grows past the configured size
 * (or Temporal suggests it), it checkpoints, compacts aggressively and continues-as-new under the
 * same id with its head and totals. Returns the final status when closed.
 */
export async function sessionWorkflow(input: SessionInput): Promise<SessionStatus> {
  const session = new SessionEntity(input);

  setHandler(statusQuery, () => session.status());
  setHandler(checkpointsQuery, () => session.listCheckpoints());
  setHandler(readyUpdate, async () => {
    await condition(() => session.isInitialized);
    return session.status();
  });
  setHandler(sendUpdate, (request) => session.send(request), {
    validator: (request: SendRequest) => session.validateSend(request),
  });
  setHandler(compactUpdate, (request) => session.compactNow(request), {
    validator: (request: CompactRequest) => session.validateCompact(request),
  });
  setHandler(checkpointUpdate, (request) => session.checkpoint(request?.name), {
    validator: (request: CheckpointRequest) => {
      session.validateOpen();
      const problem = request?.name === undefined ? undefined : checkpointNameProblem(request.name);
      if (problem) throw new Error(problem);
    },
  });
  setHandler(definitionQuery, () => session.definition());
  setHandler(restoreUpdate, (request) => session.restore(request), {
    validator: (request: RestoreRequest) => session.validateRestore(request),
  });
  setHandler(mergeUpdate, (request) => session.merge(request), {
    validator: (request: MergeRequest) => session.validateMerge(request),
  });
  setHandler(optimizeMcpUpdate, (request) => session.optimizeMcp(request), {
    validator: (request: McpOptimizeRequest) => session.validateOptimize(request),
  });
  setHandler(closeUpdate, () => session.close(), { validator: () => session.validateOpen() });

  await session.initialize();
  await session.runScript();
  const done = () => session.isClosed || session.rolloverDue !== undefined;
  // A durable timer watches MCP servers: one unused for the idle time is disabled, so its tool
  // definitions stop costing tokens on every request.
  for (;;) {
    const idleIn = session.msUntilMcpIdle();
    if (idleIn === undefined) {
      await condition(done);
      break;
    }
    if (await condition(done, idleIn)) break;
    session.disableIdleMcpServers();
  }
  if (!session.isClosed) {
    await session.prepareRollover();
    // Sends that arrived meanwhile run to completion here (on the compacted context) first.
    await condition(allHandlersFinished);
    await continueAsNew<typeof sessionWorkflow>(session.carryOver());
  }
  await condition(allHandlersFinished);
  return session.status();
}

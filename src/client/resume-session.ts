import {
  resumedCarry,
  type ResumeRecord,
  type SendRequest,
  type SendResult,
  type SessionInput,
  type SessionStatus,
} from '../domain/session';
import { restoreUpdate, sendUpdate, statusQuery } from '../domain/session';
import { workflowUiUrl } from './connection-settings';
import { sessionHandle, type SessionContext } from './session-context';
import { findCheckpoint, readSnapshot } from './session-state';
import { executeSessionUpdate } from './session-updates';
import { startSessionRun, startSessionWithMessage, type StartRunOptions } from './start-session-run';
import { toBatonError } from './temporal-errors';

export interface ResumeOptions {
  /** A message to send once the session is running again. */
  message?: string;
  /** Start from this checkpoint (id or name) instead of the last head. */
  from?: string;
  send?: Omit<SendRequest, 'message'>;
}

export interface ResumeResult {
  session_id: string;
  run_id: string;
  /** True when a new run was started (the session was closed, failed or terminated). */
  resumed: boolean;
  resumed_from?: ResumeRecord;
  /** The session's status once it runs again (after the message's turn, when one was sent). */
  status: SessionStatus;
  reply?: SendResult;
  ui_url: string;
}

/**
 * Continues a session. A running one just carries on (restoring `from` first if given); a closed,
 * failed or terminated one gets a new run under the same id that starts from its last head (or
 * from the checkpoint) with its totals, checkpoints and settings, and records where it came from.
 * A new run and the message travel together (update-with-start): resuming a closed session with a
 * message reads its execution status and its snapshot, starts the run with the message, and reads
 * the status the turn left.
 */
export async function resumeSession(
  ctx: SessionContext,
  sessionId: string,
  options: ResumeOptions,
): Promise<ResumeResult> {
  let running: boolean;
  try {
    running = (await sessionHandle(ctx, sessionId).describe()).status.name === 'RUNNING';
  } catch (err) {
    throw toBatonError(err, sessionId);
  }
  return running ? continueRunning(ctx, sessionId, options) : startNewRun(ctx, sessionId, options);
}

async function continueRunning(
  ctx: SessionContext,
  sessionId: string,
  options: ResumeOptions,
): Promise<ResumeResult> {
  let status: SessionStatus | undefined;
  if (options.from !== undefined) {
    status = (await executeSessionUpdate(ctx, sessionId, restoreUpdate, [{ checkpoint: options.from }]))
      .status;
  }
  if (options.message !== undefined) {
    const reply = await executeSessionUpdate(ctx, sessionId, sendUpdate, [
      { message: options.message, ...options.send },
    ]);
    return result(sessionId, reply.run_id, false, ctx, { reply, status: await readStatus(ctx, sessionId) });
  }
  status ??= (await readSnapshot(ctx, sessionId)).status;
  return result(sessionId, status.run_id, false, ctx, { status });
}

async function startNewRun(
  ctx: SessionContext,
  sessionId: string,
  options: ResumeOptions,
): Promise<ResumeResult> {
  const { status: prior, definition, checkpoints } = await readSnapshot(ctx, sessionId);
  const from = options.from === undefined ? undefined : findCheckpoint(checkpoints, options.from, sessionId);
  if (from?.workspace && definition.workspace) {
    // The checkpoint's files go back too: the new run starts where the session stopped, and a
    // restore (files and conversation, with its undo checkpoint) takes it to the checkpoint.
    const started = await startNewRun(ctx, sessionId, {});
    const restored = await continueRunning(ctx, sessionId, { ...options, from: from.checkpoint_id });
    return {
      ...restored,
      resumed: true,
      ...(started.resumed_from ? { resumed_from: started.resumed_from } : {}),
    };
  }
  const resumedFrom: ResumeRecord = {
    previous_run_id: prior.run_id,
    time: new Date().toISOString(),
    ...(from ? { checkpoint_id: from.checkpoint_id } : {}),
  };
  const head = from ? from.head : prior.head;
  const input: SessionInput = {
    session_id: sessionId,
    model: definition.model,
    settings: definition.settings,
    carried: resumedCarry(prior, checkpoints, resumedFrom, from),
    ...(head ? { head } : {}),
    ...(definition.system ? { system: definition.system } : {}),
    ...(definition.lineage ? { lineage: definition.lineage } : {}),
    ...(definition.mcp_servers ? { mcp_servers: definition.mcp_servers } : {}),
    ...(definition.workspace ? { workspace: definition.workspace } : {}),
    // A first turn that never succeeded left the task outside the store: the new run starts with it.
    ...(!head && definition.task ? { task: definition.task, task_with_first_turn: true } : {}),
  };
  const run: StartRunOptions = {
    summary: `session ${sessionId} · ${definition.model.id} (resumed)`,
    details: `Resumed from run ${prior.run_id}${from ? ` at checkpoint ${from.name}` : ''}.`,
    reuse: true,
  };
  if (options.message !== undefined) {
    const { reply } = await startSessionWithMessage(ctx, input, run, {
      message: options.message,
      ...options.send,
    });
    return result(sessionId, reply.run_id, true, ctx, {
      reply,
      resumed_from: resumedFrom,
      // Read again rather than patched up: the turn moved the budget, totals and activity too.
      status: await readStatus(ctx, sessionId),
    });
  }
  const { status } = await startSessionRun(ctx, input, run);
  return result(sessionId, status.run_id, true, ctx, { status, resumed_from: resumedFrom });
}

function result(
  sessionId: string,
  runId: string,
  resumed: boolean,
  ctx: SessionContext,
  rest: Pick<ResumeResult, 'status' | 'reply' | 'resumed_from'>,
): ResumeResult {
  return {
    session_id: sessionId,
    run_id: runId,
    resumed,
    ui_url: workflowUiUrl(ctx.settings, sessionId, runId),
    ...rest,
  };
}

/** The running session's status (one query). */
async function readStatus(ctx: SessionContext, sessionId: string): Promise<SessionStatus> {
  try {
    return await sessionHandle(ctx, sessionId).query(statusQuery);
  } catch (err) {
    throw toBatonError(err, sessionId);
  }
}

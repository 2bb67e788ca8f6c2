import {
  resumedCarry,
  type ResumeRecord,
  type SendRequest,
  type SendResult,
  type SessionStatus,
} from '../domain/session';
import { restoreUpdate, sendUpdate } from '../domain/session';
import { workflowUiUrl } from './connection-settings';
import type { SessionContext } from './session-context';
import { findCheckpoint, readCheckpoints, readDefinition, readSessionState } from './session-state';
import { executeSessionUpdate } from './session-updates';
import { startSessionRun } from './start-session-run';

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
  status: SessionStatus;
  reply?: SendResult;
  ui_url: string;
}

/**
 * Continues a session. A running one just carries on (restoring `from` first if given); a closed,
 * failed or terminated one gets a new run under the same id that starts from its last head (or
 * from the checkpoint) with its totals, checkpoints and settings, and records where it came from.
 */
export async function resumeSession(
  ctx: SessionContext,
  sessionId: string,
  options: ResumeOptions,
): Promise<ResumeResult> {
  const state = await readSessionState(ctx, sessionId);
  let status = state.status;
  let resumedFrom: ResumeRecord | undefined;
  if (state.running) {
    if (options.from !== undefined) {
      status = (await executeSessionUpdate(ctx, sessionId, restoreUpdate, [{ checkpoint: options.from }]))
        .status;
    }
  } else {
    const [definition, checkpoints] = await Promise.all([
      readDefinition(ctx, sessionId),
      readCheckpoints(ctx, sessionId),
    ]);
    const from =
      options.from === undefined ? undefined : findCheckpoint(checkpoints, options.from, sessionId);
    resumedFrom = {
      previous_run_id: state.status.run_id,
      time: new Date().toISOString(),
      ...(from ? { checkpoint_id: from.checkpoint_id } : {}),
    };
    const prior = state.status;
    const carried = resumedCarry(prior, checkpoints, resumedFrom, from);
    const head = from ? from.head : prior.head;
    const started = await startSessionRun(
      ctx,
      {
        session_id: sessionId,
        model: definition.model,
        settings: definition.settings,
        carried,
        ...(head ? { head } : {}),
        ...(definition.system ? { system: definition.system } : {}),
        ...(definition.lineage ? { lineage: definition.lineage } : {}),
        ...(definition.mcp_servers ? { mcp_servers: definition.mcp_servers } : {}),
      },
      {
        summary: `session ${sessionId} · ${definition.model.id} (resumed)`,
        details: `Resumed from run ${prior.run_id}${from ? ` at checkpoint ${from.name}` : ''}.`,
        reuse: true,
      },
    );
    status = started.status;
  }
  let reply: SendResult | undefined;
  if (options.message !== undefined) {
    reply = await executeSessionUpdate(ctx, sessionId, sendUpdate, [
      { message: options.message, ...options.send },
    ]);
    // Read again rather than patched up: the turn moved the budget, totals and activity too.
    status = (await readSessionState(ctx, sessionId)).status;
  }
  return {
    session_id: sessionId,
    run_id: status.run_id,
    resumed: !state.running,
    status,
    ui_url: workflowUiUrl(ctx.settings, sessionId, status.run_id),
    ...(resumedFrom ? { resumed_from: resumedFrom } : {}),
    ...(reply ? { reply } : {}),
  };
}

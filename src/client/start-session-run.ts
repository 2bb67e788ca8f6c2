import { tokenBudget, type TokenBudget } from '../domain/session';
import { BATON_KIND, BATON_MODEL, BATON_PARENT } from '../domain/visibility';
import { readyUpdate, type SessionInput, type SessionStatus } from '../domain/session';
import type { sessionWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import type { SessionContext } from './session-context';
import { toBatonError } from './temporal-errors';

export interface StartSessionResult {
  session_id: string;
  run_id: string;
  model: string;
  token_budget: TokenBudget;
  ui_url: string;
  status: SessionStatus;
  /** What the user should know before relying on the session (a deprecated model's retirement). */
  warnings?: string[];
}

/**
 * Starts a run of the session workflow and waits until it is ready (task stored, context
 * measured). Used by start, fork, resume and import.
 * @param reuse `true` to start a new run under the id of a closed session (resume).
 */
export async function startSessionRun(
  ctx: SessionContext,
  input: SessionInput,
  options: { summary: string; details: string; reuse?: boolean },
): Promise<StartSessionResult> {
  const sessionId = input.session_id;
  await ctx.workers.assertPolling();
  try {
    const handle = await ctx.client.workflow.start<typeof sessionWorkflow>('sessionWorkflow', {
      workflowId: sessionId,
      taskQueue: ctx.settings.taskQueue,
      args: [input],
      workflowIdReusePolicy: options.reuse ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BATON_KIND, value: 'session' },
        { key: BATON_MODEL, value: input.model.id },
        ...(input.lineage ? [{ key: BATON_PARENT, value: input.lineage.parent_session_id }] : []),
      ],
      staticSummary: options.summary,
      staticDetails: options.details,
    });
    const status = await handle.executeUpdate(readyUpdate);
    return {
      session_id: sessionId,
      run_id: status.run_id,
      model: input.model.id,
      token_budget: tokenBudget(status.tokens_used, status.context_window),
      ui_url: workflowUiUrl(ctx.settings, sessionId, status.run_id),
      status,
    };
  } catch (err) {
    throw toBatonError(err, sessionId);
  }
}

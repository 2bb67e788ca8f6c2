import { WithStartWorkflowOperation } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  cumulativeTokens,
  readyUpdate,
  sendUpdate,
  tokenBudget,
  ZERO_CUMULATIVE,
  type SendRequest,
  type SendResult,
  type SessionInput,
  type SessionStatus,
  type TokenBudget,
} from '../domain/session';
import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_TOKENS_USED,
  contextPercentAttribute,
} from '../domain/visibility';
import type { sessionWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import { SessionRequestError } from './errors';
import type { SessionContext } from './session-context';
import { runFailure } from './run-failure';
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

/** A session started together with its first message: the reply instead of a status. */
export type StartWithReplyResult = Omit<StartSessionResult, 'status'> & { reply: SendResult };

/** How a run is started: its UI summary and details, and whether it may reuse a closed session's id. */
export interface StartRunOptions {
  summary: string;
  details: string;
  /** `true` to start a new run under the id of a closed session (resume). */
  reuse?: boolean;
}

/**
 * Starts a run of the session workflow and waits until it is ready (task stored, context
 * measured), in one round trip: the start and the `ready` update travel together
 * (update-with-start). Used by start, fork, resume and import.
 * @throws SessionExistsError when the id is taken (by a running session, or by any when not `reuse`).
 */
export async function startSessionRun(
  ctx: SessionContext,
  input: SessionInput,
  options: StartRunOptions,
): Promise<StartSessionResult> {
  const sessionId = input.session_id;
  await ctx.workers.assertPolling();
  const started = updateWithStart(ctx, input, options, readyUpdate, []);
  try {
    const status = await started.result;
    return {
      session_id: sessionId,
      run_id: status.run_id,
      model: input.model.id,
      token_budget: tokenBudget(status.tokens_used, status.context_window),
      ui_url: workflowUiUrl(ctx.settings, sessionId, status.run_id),
      status,
    };
  } catch (err) {
    throw (await startFailure(started.operation, sessionId)) ?? toBatonError(err, sessionId);
  }
}

/**
 * The error for a run that started and then failed before it was ready, in the words of what
 * failed (a workspace the worker refused names the folder and what to do); undefined when the run
 * did not start or has not failed, so the update's own error stands.
 */
async function startFailure(
  operation: WithStartWorkflowOperation<typeof sessionWorkflow>,
  sessionId: string,
): Promise<SessionRequestError | undefined> {
  const handle = await operation.workflowHandle().catch(() => undefined);
  const failure = handle ? await runFailure(handle) : undefined;
  if (!failure) return undefined;
  return new SessionRequestError(`Session ${sessionId} could not start: ${failure.message}`, failure.type);
}

/**
 * Starts a run and sends its first message in the same round trip (update-with-start): the reply
 * of a new conversation costs one call. The message is queued behind the session's own start-up
 * (storing the task), so the model sees the task first.
 * @throws SessionExistsError as {@link startSessionRun}; SessionRequestError when the session
 * started but its first turn failed (it then exists and can be sent the message again).
 */
export async function startSessionWithMessage(
  ctx: SessionContext,
  input: SessionInput,
  options: StartRunOptions,
  request: SendRequest,
): Promise<StartWithReplyResult> {
  const sessionId = input.session_id;
  await ctx.workers.assertPolling();
  const started = updateWithStart(ctx, input, options, sendUpdate, [request]);
  let reply: SendResult;
  try {
    reply = await started.result;
  } catch (err) {
    const failed = await startFailure(started.operation, sessionId);
    if (failed) throw failed;
    const mapped = toBatonError(err, sessionId);
    const handle = await started.operation.workflowHandle().catch(() => undefined);
    if (handle && mapped instanceof SessionRequestError) {
      throw new SessionRequestError(
        `Session ${sessionId} started, but its first turn failed: ${mapped.message}`,
        mapped.type,
      );
    }
    throw mapped;
  }
  const runId = reply.run_id;
  return {
    session_id: sessionId,
    run_id: runId,
    model: input.model.id,
    token_budget: reply.token_budget,
    ui_url: workflowUiUrl(ctx.settings, sessionId, runId),
    reply,
  };
}

/**
 * The start operation (with the search attributes the run starts with, so the workflow need not
 * upsert them) and the update sent with it.
 */
function updateWithStart<Ret, Args extends unknown[]>(
  ctx: SessionContext,
  input: SessionInput,
  options: StartRunOptions,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
): { operation: WithStartWorkflowOperation<typeof sessionWorkflow>; result: Promise<Ret> } {
  const context = input.carried?.context_tokens ?? input.context_tokens ?? 0;
  const operation = new WithStartWorkflowOperation<typeof sessionWorkflow>('sessionWorkflow', {
    workflowId: input.session_id,
    taskQueue: ctx.settings.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: options.reuse ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: BATON_KIND, value: 'session' },
      { key: BATON_MODEL, value: input.model.id },
      {
        key: BATON_CONTEXT_PERCENT,
        value: contextPercentAttribute(tokenBudget(context, input.model.context_window).position_percent),
      },
      {
        key: BATON_TOKENS_USED,
        value: cumulativeTokens(input.carried?.cumulative ?? ZERO_CUMULATIVE),
      },
      ...(input.lineage ? [{ key: BATON_PARENT, value: input.lineage.parent_session_id }] : []),
    ],
    staticSummary: options.summary,
    staticDetails: options.details,
  });
  const result = ctx.client.workflow.executeUpdateWithStart(update, {
    args,
    startWorkflowOperation: operation,
  });
  return { operation, result };
}

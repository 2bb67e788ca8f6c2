import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { parsePhaseName, SPEC_PHASES, type SpecPhaseName } from '../domain/spec';
import { BATON_PHASE } from '../domain/visibility';
import { workflowUiUrl } from './connection-settings';
import { InvalidInputError } from './errors';
import type { SessionContext } from './session-context';
import type { SpecStarted } from './spec-start';
import { specHandle, specNotFound } from './spec-workflow';

export interface SpecRerun extends SpecStarted {
  previous_run_id: string;
  from_phase: SpecPhaseName;
  /** The history event the new run was reset to. */
  reset_event_id: number;
}

/**
 * Resets a SPEC's workflow to the last workflow task before `fromPhase` started. See `SpecsClient.rerun`.
 * @throws InvalidInputError for an unknown phase or one the SPEC never reached.
 */
export async function rerunSpec(ctx: SessionContext, specId: string, fromPhase: string): Promise<SpecRerun> {
  const phase = parsePhaseName(fromPhase);
  if (!phase) {
    throw new InvalidInputError(
      `Unknown phase '${fromPhase}': use one of ${SPEC_PHASES.join(', ')} (or 1–4).`,
    );
  }
  const handle = specHandle(ctx, specId);
  let runId: string;
  let history;
  try {
    runId = (await handle.describe()).runId;
    history = await ctx.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  } catch (err) {
    throw specNotFound(err, specId);
  }
  const events = history.events ?? [];
  const started = events.find((e) => phaseOf(e) === phase);
  if (!started) {
    throw new InvalidInputError(
      `SPEC ${specId} never started phase ${phase}, so there is nothing to rerun from.`,
    );
  }
  const startedId = Number(started.eventId);
  const resetTo = events.findLast(
    (e) =>
      Number(e.eventId) < startedId &&
      e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  );
  if (!resetTo)
    throw new InvalidInputError(`No workflow task precedes phase ${phase}; start the SPEC again instead.`);
  const response = await ctx.client.workflowService.resetWorkflowExecution({
    namespace: ctx.settings.namespace,
    workflowExecution: { workflowId: handle.workflowId, runId },
    reason: `baton spec rerun ${specId} --from-phase ${phase}`,
    workflowTaskFinishEventId: Long.fromNumber(Number(resetTo.eventId)),
    requestId: randomUUID(),
  });
  const newRunId = response.runId ?? '';
  return {
    spec_id: specId,
    workflow_id: handle.workflowId,
    run_id: newRunId,
    previous_run_id: runId,
    from_phase: phase,
    reset_event_id: Number(resetTo.eventId),
    ui_url: workflowUiUrl(ctx.settings, handle.workflowId, newRunId),
  };
}

/** The phase an UpsertWorkflowSearchAttributes event set, if it set BatonPhase. */
function phaseOf(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const payload =
    event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[BATON_PHASE.name];
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8')) as string;
  } catch {
    return undefined;
  }
}

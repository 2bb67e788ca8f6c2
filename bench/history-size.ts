/**
 * How big a workflow run's history is, measured the way Temporal stores it: the protobuf encoding of
 * the events `fetchHistory()` returns.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
/** The prefix of @temporalio/workflow-streams' handler names (its poll update is `__temporal_workflow_stream_poll`). */
const STREAM_UPDATE_PREFIX = '__temporal_workflow_stream';

export interface HistorySize {
  run_id: string;
  bytes: number;
  events: number;
  /** Completed updates in the run; a turn is one `send` update, so this counts turns (and other updates). */
  updates_completed: number;
  /**
   * Accepted updates other than workflow-stream polls: the turns (and other calls). A streamed
   * turn's reader adds polls, which complete when the turn publishes, so they are not counted.
   */
  calls_accepted: number;
  /** The run ended by continuing as new (baton's rollover). */
  continued_as_new: boolean;
}

/** The current size of one run of `workflowId` (the latest run when `runId` is omitted). */
export async function historySize(client: Client, workflowId: string, runId?: string): Promise<HistorySize> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const resolvedRunId = runId ?? (await handle.describe()).runId;
  const history = await client.workflow.getHandle(workflowId, resolvedRunId).fetchHistory();
  const events = history.events ?? [];
  return {
    run_id: resolvedRunId,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    events: events.length,
    updates_completed: events.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
    ).length,
    calls_accepted: events.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED &&
        !e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name?.startsWith(
          STREAM_UPDATE_PREFIX,
        ),
    ).length,
    continued_as_new: events.some(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    ),
  };
}

/**
 * Why a run ended, from its last event: the termination reason Temporal wrote (for example when the
 * history outgrew its limit), or the event type. Reads one event, not the whole history.
 */
export async function closingEvent(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{ type: string; reason: string | undefined }> {
  const response = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const event = response.history?.events?.[0];
  const type = event?.eventType != null ? (EventType[event.eventType] ?? String(event.eventType)) : 'none';
  const reason =
    event?.workflowExecutionTerminatedEventAttributes?.reason ??
    event?.workflowExecutionFailedEventAttributes?.failure?.message ??
    undefined;
  return { type: type.replace(/^EVENT_TYPE_/, ''), reason: reason ?? undefined };
}

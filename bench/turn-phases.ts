/**
 * Where a baton turn's time goes, read from the event times Temporal wrote into the session's
 * history (server clock, one machine): accepting the `send` update (a workflow task), the model-turn
 * activity (store, token count, model call), and recording the reply (a second workflow task).
 */
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from '@temporalio/proto';

const T = proto.api.enums.v1.EventType;

/** One turn's phases, ms. */
export interface TurnPhases {
  /** From the workflow task that the update triggered being scheduled to the update's acceptance. */
  accept_ms: number;
  /** From the model-turn activity being scheduled to its completion. */
  activity_ms: number;
  /** From the activity's completion to the update's completion. */
  complete_ms: number;
  /** From the activity being scheduled to its start: a poll round trip, or nothing when eager. */
  dispatch_ms: number;
  /**
   * From the workflow task that records the reply being scheduled to a worker taking it: a few ms
   * when the server hands it over at once, ~20 ms more when the history service's transfer-queue
   * reads are rate limited (a 50 ms slot per read at Temporal's default of 20 a second).
   */
  reply_task_wait_ms: number;
}

/** The phases of every turn (every update that scheduled an activity) in `history`, oldest first. */
export function turnPhases(history: temporal.api.history.v1.IHistory): TurnPhases[] {
  const phases: TurnPhases[] = [];
  let wftScheduled: number | undefined;
  let accepted: number | undefined;
  let activityScheduled: number | undefined;
  let activityStarted: number | undefined;
  let activityCompleted: number | undefined;
  let replyTaskScheduled: number | undefined;
  let replyTaskStarted: number | undefined;
  for (const event of history.events ?? []) {
    const at = millis(event.eventTime);
    switch (event.eventType) {
      case T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        if (accepted === undefined) wftScheduled = at;
        else if (activityCompleted !== undefined) replyTaskScheduled ??= at;
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        if (replyTaskScheduled !== undefined) replyTaskStarted ??= at;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        accepted = at;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        if (accepted !== undefined) activityScheduled = at;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        activityStarted = at;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        activityCompleted = at;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        // Updates without an activity (ready, close) are not turns.
        if (
          wftScheduled !== undefined &&
          accepted !== undefined &&
          activityScheduled !== undefined &&
          activityStarted !== undefined &&
          activityCompleted !== undefined &&
          replyTaskScheduled !== undefined &&
          replyTaskStarted !== undefined
        ) {
          phases.push({
            accept_ms: accepted - wftScheduled,
            activity_ms: activityCompleted - activityScheduled,
            complete_ms: at - activityCompleted,
            dispatch_ms: activityStarted - activityScheduled,
            reply_task_wait_ms: replyTaskStarted - replyTaskScheduled,
          });
        }
        wftScheduled = accepted = activityScheduled = activityStarted = activityCompleted = undefined;
        replyTaskScheduled = replyTaskStarted = undefined;
        break;
      default:
        break;
    }
  }
  return phases;
}

function millis(time: temporal.api.history.v1.IHistoryEvent['eventTime']): number {
  if (!time) return 0;
  return Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6;
}

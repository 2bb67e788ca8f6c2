/**
 * Temporal Cloud's billable actions, counted from a run's history the way Temporal Cloud counts
 * them (docs.temporal.io/cloud/actions): a workflow start (client start, update- or signal-with-
 * start, continue-as-new), every update the worker received, every activity attempt, every timer,
 * every search-attribute upsert (those given at start are free), every signal. Queries and
 * rejected updates leave no event, and heartbeats none either: callers count those themselves.
 */
import { temporal } from '@temporalio/proto';

const T = temporal.api.enums.v1.EventType;

/** Billable actions by kind. */
export interface ActionCounts {
  workflow_starts: number;
  updates: number;
  activity_attempts: number;
  timers: number;
  upserts: number;
  signals: number;
}

export const NO_ACTIONS: ActionCounts = {
  workflow_starts: 0,
  updates: 0,
  activity_attempts: 0,
  timers: 0,
  upserts: 0,
  signals: 0,
};

/** The actions recorded in `events` (a whole history or a slice of one). */
export function countActions(events: readonly temporal.api.history.v1.IHistoryEvent[]): ActionCounts {
  const counts = { ...NO_ACTIONS };
  for (const e of events) {
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        counts.workflow_starts++;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        counts.updates++;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        // Only an activity's last attempt is in the history; its number says how many there were.
        counts.activity_attempts += e.activityTaskStartedEventAttributes?.attempt ?? 1;
        break;
      case T.EVENT_TYPE_TIMER_STARTED:
        counts.timers++;
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        counts.upserts++;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        counts.signals++;
        break;
      default:
        break;
    }
  }
  return counts;
}

/** The sum of every kind. */
export function totalActions(c: ActionCounts): number {
  return c.workflow_starts + c.updates + c.activity_attempts + c.timers + c.upserts + c.signals;
}

/** Field-by-field sum, and each count divided by `n` (for per-turn figures). */
export function addActions(a: ActionCounts, b: ActionCounts): ActionCounts {
  return {
    workflow_starts: a.workflow_starts + b.workflow_starts,
    updates: a.updates + b.updates,
    activity_attempts: a.activity_attempts + b.activity_attempts,
    timers: a.timers + b.timers,
    upserts: a.upserts + b.upserts,
    signals: a.signals + b.signals,
  };
}

export function perActions(c: ActionCounts, n: number): ActionCounts {
  const per = (x: number) => Math.round((x / n) * 1000) / 1000;
  return {
    workflow_starts: per(c.workflow_starts),
    updates: per(c.updates),
    activity_attempts: per(c.activity_attempts),
    timers: per(c.timers),
    upserts: per(c.upserts),
    signals: per(c.signals),
  };
}

/**
 * Timers started and neither fired nor cancelled at the end of `events`, with their durations in
 * seconds: what would act on an idle workflow without anyone calling it.
 */
export function pendingTimers(events: readonly temporal.api.history.v1.IHistoryEvent[]): number[] {
  const pending = new Map<string, number>();
  for (const e of events) {
    if (e.eventType === T.EVENT_TYPE_TIMER_STARTED) {
      const a = e.timerStartedEventAttributes;
      const s = Number(a?.startToFireTimeout?.seconds ?? 0) + (a?.startToFireTimeout?.nanos ?? 0) / 1e9;
      pending.set(a?.timerId ?? '', s);
    } else if (e.eventType === T.EVENT_TYPE_TIMER_FIRED) {
      pending.delete(e.timerFiredEventAttributes?.timerId ?? '');
    } else if (e.eventType === T.EVENT_TYPE_TIMER_CANCELED) {
      pending.delete(e.timerCanceledEventAttributes?.timerId ?? '');
    }
  }
  return [...pending.values()];
}

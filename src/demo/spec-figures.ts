/**
 * Where a SPEC's time went, read back from its Temporal history: each workspace call (editor,
 * bash, the gate's test run) from ActivityTaskScheduled to ActivityTaskCompleted on the server's
 * clock, beside the time the call itself measured on the worker (`duration_ms` in its result).
 * The difference is what running the call as an activity costs: dispatch to the workspace's
 * queue, the poll, reporting the result, the history writes.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import type { PhaseRecord } from '../domain/spec';
import { tableLines } from '../cli/text-table';

const EventType = temporal.api.enums.v1.EventType;

/** The workspace activities whose results carry their own `duration_ms`. */
const TIMED_ACTIVITIES: ReadonlySet<string> = new Set(['runEditorTool', 'runBashTool', 'verifyWorkspace']);

/** One workspace call as its history shows it. */
export interface WorkspaceCallTiming {
  activity: string;
  /** The activity's summary in the UI (`tool: create test/sum.test.js`), or the activity name. */
  summary: string;
  /** Scheduled → completed, on the server's clock. */
  total_ms: number;
  /** Scheduled → started: the wait for the workspace worker's poll. */
  dispatch_ms: number;
  /** What the call measured itself on the worker (the edit, the command). */
  own_ms: number;
  /** `total_ms - own_ms`: the cost of running it as an activity. */
  overhead_ms: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function millis(event: HistoryEvent): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

function summaryOf(event: HistoryEvent, fallback: string): string {
  const data = event.userMetadata?.summary?.data;
  if (!data) return fallback;
  try {
    return String(JSON.parse(Buffer.from(data).toString('utf8')));
  } catch {
    return fallback;
  }
}

/**
 * The timings of every completed editor, bash and verification call in the given runs of a
 * workflow (a SPEC's runs: `previous_runs` and the current one), oldest first. Results are decoded
 * with the client's data converter, so encrypted histories read too.
 */
export async function workspaceCallTimings(
  client: Client,
  workflowId: string,
  runIds: readonly string[],
): Promise<WorkspaceCallTiming[]> {
  const timings: WorkspaceCallTiming[] = [];
  for (const runId of runIds) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const scheduled = new Map<string, { activity: string; summary: string; at: number; started?: number }>();
    for (const event of history.events ?? []) {
      const s = event.activityTaskScheduledEventAttributes;
      const activity = s?.activityType?.name;
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && activity) {
        if (TIMED_ACTIVITIES.has(activity))
          scheduled.set(String(event.eventId), {
            activity,
            summary: summaryOf(event, activity),
            at: millis(event),
          });
        continue;
      }
      const start = event.activityTaskStartedEventAttributes;
      const starting = start ? scheduled.get(String(start.scheduledEventId)) : undefined;
      if (starting) starting.started = millis(event);
      const done = event.activityTaskCompletedEventAttributes;
      const call = done ? scheduled.get(String(done.scheduledEventId)) : undefined;
      if (!done || !call) continue;
      const result = await decodeFromPayloadsAtIndex<{ duration_ms?: number }>(
        client.options.loadedDataConverter,
        0,
        done.result?.payloads,
      );
      const total = millis(event) - call.at;
      const own = result?.duration_ms ?? 0;
      timings.push({
        activity: call.activity,
        summary: call.summary,
        total_ms: total,
        dispatch_ms: (call.started ?? call.at) - call.at,
        own_ms: own,
        overhead_ms: total - own,
      });
    }
  }
  return timings;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * The figures as two small tables: each workspace call (total, own time, overhead, and the
 * median overhead), and each verified phase (its duration and its test run's).
 */
export function formatSpecFigures(
  calls: readonly WorkspaceCallTiming[],
  phases: readonly PhaseRecord[],
): string {
  const callRows = calls.map((c) => [
    c.summary,
    `${c.total_ms}`,
    `${c.own_ms}`,
    `${c.overhead_ms}`,
    `${c.dispatch_ms}`,
  ]);
  const overheads = calls.map((c) => c.overhead_ms);
  const phaseRows = phases
    .filter((p) => p.gate)
    .map((p) => [
      p.name,
      p.gate!.ok ? `holds (tests must ${p.gate!.expect})` : `FAILED (tests must ${p.gate!.expect})`,
      `${p.duration_ms}`,
      `${p.gate!.verification.duration_ms}`,
    ]);
  return [
    'Workspace calls, ms: total = scheduled → completed (server clock), own = timed by the call on the',
    '  worker, overhead = total − own (the cost of running it as an activity), dispatch = scheduled → started:',
    ...tableLines([['call', 'total', 'own', 'overhead', 'dispatch'], ...callRows], { rightAlignFrom: 1 }).map(
      (l) => `  ${l}`,
    ),
    `  median activity overhead ${median(overheads)} ms over ${calls.length} calls (max ${Math.max(0, ...overheads)} ms; ` +
      `median dispatch ${median(calls.map((c) => c.dispatch_ms))} ms)`,
    "Verified phases, ms (phase = model turns, tool calls and gate; test run = the gate's own run):",
    ...tableLines([['phase', 'gate', 'phase', 'test run'], ...phaseRows], { rightAlignFrom: 2 }).map(
      (l) => `  ${l}`,
    ),
  ].join('\n');
}

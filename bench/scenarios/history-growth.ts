/**
 * History growth: how many bytes and events one turn adds to Temporal's history at turn 10, 100
 * and 1,000 of one session, for baton and for a naive design that passes the whole conversation to
 * each activity and gets it back (bench/naive/). Flat is the goal; the naive design grows with the
 * conversation, and this run shows where Temporal's history limits stop it. A second baton session
 * streams every turn (as `baton session send` does): its reader's polls and the published events are
 * in the history too, and must stay flat as well.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { closingEvent, historySize, type HistorySize } from '../history-size';
import { formatBytes, formatInt, formatRatio, table } from '../markdown';
import { BENCH_TASK, userMessage } from '../messages';
import { DEFAULT_MAX_TOKENS } from '../direct-conversation';
import { DEFAULT_MODEL_ID } from '../../src/domain/models';
import {
  NAIVE_WORKFLOW_TYPE,
  naiveCloseSignal,
  naiveSendUpdate,
  type NaiveSessionInput,
} from '../naive/contract';
import type { naiveSessionWorkflow } from '../naive/workflows';
import { defineScenario, type ScenarioContext } from '../scenario';
import { ratio, round } from '../stats';
import { withTimeout } from '../timeout';

/** A naive turn that takes longer than this is taken as stuck (a history or payload limit), not slow. */
const NAIVE_TURN_TIMEOUT_MS = 120_000;

/** How many turns past the last sample turn the session may run to get a sample no rollover spoils. */
const MAX_EXTRA_TURNS = 5;

/** Temporal's default limits (server dynamic config), for the report. */
export const TEMPORAL_HISTORY_LIMITS = {
  size_error_bytes: 50 * 1024 * 1024,
  size_warn_bytes: 10 * 1024 * 1024,
  count_error_events: 50 * 1024,
  count_warn_events: 10 * 1024,
  suggest_continue_as_new_events: 4 * 1024,
  suggest_continue_as_new_bytes: 4 * 1024 * 1024,
} as const;

/** What one measured turn added to its run's history. */
export interface TurnGrowth {
  /** The turn the sample was asked for. */
  requested_turn: number;
  /** The turn measured: later than requested when a rollover fell on the requested one. */
  turn: number;
  bytes: number;
  events: number;
  /** The run's whole history after that turn. */
  run_bytes: number;
  run_events: number;
  /** Latency of that turn's `send`, ms. */
  latency_ms: number;
}

export interface DesignGrowth {
  turns_completed: number;
  /** Set when a turn failed before the last sample turn: the session could go no further. */
  stopped: { turn: number; reason: string } | null;
  samples: TurnGrowth[];
  /** Runs of the workflow (1 + rollovers); baton continues-as-new when Temporal suggests it. */
  runs: number;
  /** The largest run's history, from Temporal's own count. */
  largest_run: { bytes: number; events: number };
  /** Mean latency of a turn over the whole session, ms. */
  mean_turn_ms: number;
}

export interface HistoryGrowthResult {
  sample_turns: number[];
  user_message_chars: number;
  baton: DesignGrowth;
  /** baton with every turn streamed (a reader of the turn's events, as the CLI's `session send`). */
  baton_streamed: DesignGrowth;
  naive: DesignGrowth;
  /** naive bytes ÷ baton bytes for each sample both designs reached. */
  naive_to_baton_bytes: { turn: number; ratio: number }[];
  temporal_limits: typeof TEMPORAL_HISTORY_LIMITS;
}

/** A session design as this scenario drives it. */
interface Design {
  label: string;
  start(): Promise<string>;
  send(id: string, text: string): Promise<void>;
  close(id: string): Promise<void>;
}

export const historyGrowth = defineScenario<HistoryGrowthResult>({
  name: 'history',
  title: 'History growth per turn',

  async run(ctx) {
    const { stack } = ctx;
    const temporal = stack.baton.temporal;
    const baton: Design = {
      label: 'baton',
      start: async () => (await stack.baton.sessions.start({ task: BENCH_TASK })).session_id,
      send: async (id, text) => {
        await stack.baton.sessions.send(id, text);
      },
      close: async (id) => {
        await stack.baton.sessions.close(id);
      },
    };
    const streamed: Design = {
      ...baton,
      label: 'baton, streamed',
      send: async (id, text) => {
        let ended = false;
        await stack.baton.sessions.send(id, text, { onEvent: (e) => (ended ||= e.type === 'turn_ended') });
        if (!ended) throw new Error('the streamed turn ended without its turn_ended event');
      },
    };
    const naiveQueue = await stack.naiveTaskQueue();
    const naive: Design = {
      label: 'naive',
      start: async () => {
        const input: NaiveSessionInput = {
          model: DEFAULT_MODEL_ID,
          max_tokens: DEFAULT_MAX_TOKENS,
          task: BENCH_TASK,
        };
        const handle = await temporal.workflow.start<typeof naiveSessionWorkflow>(NAIVE_WORKFLOW_TYPE, {
          workflowId: `naive-${randomUUID()}`,
          taskQueue: naiveQueue,
          args: [input],
        });
        return handle.workflowId;
      },
      send: async (id, text) => {
        await withTimeout(
          temporal.workflow.getHandle(id).executeUpdate(naiveSendUpdate, { args: [text] }),
          NAIVE_TURN_TIMEOUT_MS,
          `naive turn`,
        );
      },
      close: async (id) => {
        const handle = temporal.workflow.getHandle(id);
        if ((await handle.describe()).status.name !== 'RUNNING') return;
        await handle.signal(naiveCloseSignal);
      },
    };

    const sampleTurns = ctx.config.history.sampleTurns;
    const batonGrowth = await measureGrowth(ctx, temporal, baton, sampleTurns);
    const streamedGrowth = await measureGrowth(ctx, temporal, streamed, sampleTurns);
    const naiveGrowth = await measureGrowth(ctx, temporal, naive, sampleTurns);
    const ratios = batonGrowth.samples.flatMap((b) => {
      const n = naiveGrowth.samples.find((s) => s.requested_turn === b.requested_turn);
      return n ? [{ turn: b.requested_turn, ratio: ratio(n.bytes, b.bytes) }] : [];
    });
    return {
      sample_turns: sampleTurns,
      user_message_chars: userMessage(0, 1).length,
      baton: batonGrowth,
      baton_streamed: streamedGrowth,
      naive: naiveGrowth,
      naive_to_baton_bytes: ratios,
      temporal_limits: TEMPORAL_HISTORY_LIMITS,
    };
  },

  markdown(r) {
    const cells = (d: DesignGrowth, turn: number): string[] => {
      const s = d.samples.find((x) => x.requested_turn === turn);
      if (s) return [formatBytes(s.bytes), formatInt(s.events)];
      return d.stopped ? [`stopped at turn ${formatInt(d.stopped.turn)}`, '–'] : ['–', '–'];
    };
    const rows = r.sample_turns.map((turn) => {
      const x = r.naive_to_baton_bytes.find((q) => q.turn === turn);
      return [
        formatInt(turn),
        ...cells(r.baton, turn),
        ...cells(r.baton_streamed, turn),
        ...cells(r.naive, turn),
        x ? formatRatio(x.ratio) : '–',
      ];
    });
    const lines = [
      table(
        [
          'turn',
          'baton bytes/turn',
          'baton events/turn',
          'streamed bytes/turn',
          'streamed events/turn',
          'naive bytes/turn',
          'naive events/turn',
          'naive ÷ baton',
        ],
        rows,
      ),
      '',
      `One session per design, user messages of ${r.user_message_chars} characters. ` +
        `baton ran ${formatInt(r.baton.turns_completed)} turns in ${r.baton.runs} run(s) ` +
        `(it continues-as-new when Temporal suggests it, at ${formatInt(r.temporal_limits.suggest_continue_as_new_events)} events ` +
        `or ${formatBytes(r.temporal_limits.suggest_continue_as_new_bytes)}); its largest run history was ` +
        `${formatBytes(r.baton.largest_run.bytes)} / ${formatInt(r.baton.largest_run.events)} events. ` +
        `"streamed" is a second baton session whose every turn streams (a reader of its events, as \`baton session send\`): ` +
        `${formatInt(r.baton_streamed.turns_completed)} turns in ${r.baton_streamed.runs} run(s), largest run ` +
        `${formatBytes(r.baton_streamed.largest_run.bytes)} / ${formatInt(r.baton_streamed.largest_run.events)} events.`,
    ];
    lines.push(
      r.naive.stopped
        ? `The naive design stopped at turn ${formatInt(r.naive.stopped.turn)} (${r.naive.stopped.reason}) with a history of ` +
            `${formatBytes(r.naive.largest_run.bytes)} / ${formatInt(r.naive.largest_run.events)} events; Temporal's limits are ` +
            `${formatBytes(r.temporal_limits.size_error_bytes)} / ${formatInt(r.temporal_limits.count_error_events)} events ` +
            `(warnings from ${formatBytes(r.temporal_limits.size_warn_bytes)} / ${formatInt(r.temporal_limits.count_warn_events)}).`
        : `The naive design ran all ${formatInt(r.naive.turns_completed)} turns; its history reached ` +
            `${formatBytes(r.naive.largest_run.bytes)} / ${formatInt(r.naive.largest_run.events)} events.`,
    );
    return lines;
  },
});

/**
 * Runs one session of `design` up to the largest sample turn, measuring the history one turn adds at
 * each sample turn. A turn that fails ends the session (recorded as `stopped`), not the benchmark.
 */
async function measureGrowth(
  { progress, signal }: ScenarioContext,
  temporal: Client,
  design: Design,
  sampleTurns: readonly number[],
): Promise<DesignGrowth> {
  const lastTurn = Math.max(...sampleTurns);
  const pending = [...sampleTurns];
  const samples: TurnGrowth[] = [];
  let stopped: DesignGrowth['stopped'] = null;
  let turnsCompleted = 0;
  let totalMs = 0;
  const id = await design.start();
  progress(`history: ${design.label}: session ${id}, ${formatInt(lastTurn)} turns`);

  // A sample that a rollover spoils moves to the next turn, so the session may run a few turns past
  // the last sample turn.
  for (let turn = 1; turn <= lastTurn || (pending.length > 0 && turn <= lastTurn + MAX_EXTRA_TURNS); turn++) {
    signal.throwIfAborted();
    const requested = pending[0];
    const measuring = requested !== undefined && turn >= requested;
    let before: HistorySize | undefined;
    try {
      before = measuring ? await historySize(temporal, id) : undefined;
    } catch (err) {
      // A run history larger than a gRPC message (4 MiB) cannot be fetched in one page: the naive
      // design gets there long before Temporal's own limits. That ends the session, not the scenario.
      stopped = { turn, reason: `its history could not be read: ${firstLine(err)}` };
      progress(`history: ${design.label}: stopped at turn ${turn}: ${stopped.reason}`);
      break;
    }
    const started = performance.now();
    try {
      await design.send(id, userMessage(0, turn));
    } catch (err) {
      stopped = { turn, reason: await stopReason(temporal, id, err) };
      progress(`history: ${design.label}: stopped at turn ${turn}: ${stopped.reason}`);
      break;
    }
    const ms = performance.now() - started;
    totalMs += ms;
    turnsCompleted = turn;
    if (before && requested !== undefined) {
      let after: HistorySize;
      try {
        after = await historySize(temporal, id, before.run_id);
      } catch (err) {
        stopped = { turn, reason: `its history could not be read: ${firstLine(err)}` };
        progress(`history: ${design.label}: stopped at turn ${turn}: ${stopped.reason}`);
        break;
      }
      // One call (the turn; stream polls aside) and no rollover in between: the difference is this turn.
      if (after.calls_accepted - before.calls_accepted === 1 && !after.continued_as_new) {
        pending.shift();
        samples.push({
          requested_turn: requested,
          turn,
          bytes: after.bytes - before.bytes,
          events: after.events - before.events,
          run_bytes: after.bytes,
          run_events: after.events,
          latency_ms: round(ms),
        });
        progress(
          `history: ${design.label}: turn ${formatInt(turn)} added ${formatBytes(after.bytes - before.bytes)} / ` +
            `${after.events - before.events} events (run history ${formatBytes(after.bytes)})`,
        );
      }
    }
    if (turn % 100 === 0)
      progress(`history: ${design.label}: ${formatInt(turn)}/${formatInt(lastTurn)} turns`);
  }
  const runs = await runSizes(temporal, id);
  await design.close(id).catch(() => undefined);
  return {
    turns_completed: turnsCompleted,
    stopped,
    samples,
    runs: runs.length,
    largest_run: runs.reduce((a, b) => (b.bytes > a.bytes ? b : a), { bytes: 0, events: 0 }),
    mean_turn_ms: round(totalMs / Math.max(1, turnsCompleted)),
  };
}

/** Each run of the workflow, oldest first, with its history size as Temporal counts it. */
async function runSizes(temporal: Client, id: string): Promise<{ bytes: number; events: number }[]> {
  const sizes: { bytes: number; events: number }[] = [];
  let runId: string | undefined = (await temporal.workflow.getHandle(id).describe()).runId;
  // Walk back through the chain of runs (each continue-as-new names the run it came from).
  while (runId) {
    const description = await temporal.workflow.getHandle(id, runId).describe();
    sizes.unshift({ bytes: description.historySize ?? 0, events: description.historyLength });
    runId = await previousRun(temporal, id, runId);
  }
  return sizes;
}

async function previousRun(temporal: Client, id: string, runId: string): Promise<string | undefined> {
  const history = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.options.namespace,
    execution: { workflowId: id, runId },
    maximumPageSize: 1,
  });
  const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  return started?.continuedExecutionRunId || undefined;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** Why a turn failed, in one line: the run's termination reason when Temporal ended it. */
async function stopReason(temporal: Client, id: string, err: unknown): Promise<string> {
  const message = (err as Error).message?.split('\n')[0] ?? String(err);
  try {
    const { runId, status } = await temporal.workflow.getHandle(id).describe();
    if (status.name === 'RUNNING') return message;
    const closing = await closingEvent(temporal, id, runId);
    return `${status.name.toLowerCase()}${closing.reason ? `: ${closing.reason}` : ''}`;
  } catch {
    return message;
  }
}

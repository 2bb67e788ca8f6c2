/**
 * Temporal Cloud cost: the billable actions (docs.temporal.io/cloud/actions) of a start, a start
 * with a first message, a turn, a fork and a resume, counted from the histories, and those of a
 * session left idle. An idle session must take none: it holds no timer, so nothing happens until
 * someone calls it.
 */
import { BENCH_TASK, userMessage } from '../messages';
import {
  addActions,
  countActions,
  NO_ACTIONS,
  pendingTimers,
  perActions,
  totalActions,
  type ActionCounts,
} from '../billable-actions';
import { formatInt, table } from '../markdown';
import { defineScenario } from '../scenario';
import { round } from '../stats';
import type { temporal } from '@temporalio/proto';

export interface OperationCost {
  call: string;
  actions: ActionCounts;
  /** Queries the client made (not in the history; each is an action). */
  queries: number;
  total: number;
}

export interface CloudCostResult {
  turns: number;
  costs: OperationCost[];
  /** Per turn over all the session's turns, and over its second half (upserts thin out over time). */
  per_turn: { all: ActionCounts; all_total: number; second_half: ActionCounts; second_half_total: number };
  idle: {
    watched_s: number;
    /** History events that appeared while the session sat idle. */
    events_while_idle: number;
    /** Timers that would fire without anyone calling the session, with their durations (s). */
    pending_timers_s: number[];
    /** The actions seen while idle, at that rate for an hour, plus each pending timer due within it. */
    actions_per_hour: number;
  };
}

export const cloudCost = defineScenario<CloudCostResult>({
  name: 'cost',
  title: 'Temporal Cloud billable actions',

  async run({ stack, config, progress, signal }) {
    const { turns, idleSeconds } = config.cost;
    const client = stack.baton.temporal;
    const history = async (id: string, runId?: string) =>
      (await client.workflow.getHandle(id, runId).fetchHistory()).events ?? [];
    const costs: OperationCost[] = [];
    const record = (call: string, events: readonly temporal.api.history.v1.IHistoryEvent[], queries = 0) => {
      const actions = countActions(events);
      costs.push({ call, actions, queries, total: totalActions(actions) + queries });
    };

    const { session_id } = await stack.baton.sessions.start({ task: BENCH_TASK });
    const started = await history(session_id);
    record('`sessions.start` (task stored, context measured)', started);

    const withMessage = await stack.baton.sessions.start({ task: BENCH_TASK, message: userMessage(0, 1) });
    record('`sessions.start` with a first message', await history(withMessage.session_id));

    progress(`cost: ${turns} turns…`);
    const boundaries: number[] = [started.length];
    for (let t = 1; t <= turns; t++) {
      signal.throwIfAborted();
      await stack.baton.sessions.send(session_id, userMessage(1, t));
      boundaries.push((await history(session_id)).length);
    }
    const events = await history(session_id);
    const perTurn = boundaries.slice(1).map((end, i) => countActions(events.slice(boundaries[i], end)));
    const sum = (xs: ActionCounts[]) => xs.reduce(addActions, NO_ACTIONS);
    const half = perTurn.slice(Math.floor(turns / 2));
    const all = perActions(sum(perTurn), turns);
    const second = perActions(sum(half), Math.max(1, half.length));
    costs.push({
      call: 'a turn (`send`), mean',
      actions: all,
      queries: 0,
      total: round(totalActions(all)),
    });

    progress(`cost: idle for ${idleSeconds} s…`);
    const before = (await history(session_id)).length;
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    signal.throwIfAborted();
    const idleEvents = await history(session_id);
    const timers = pendingTimers(idleEvents);

    const fork = await stack.baton.sessions.fork(session_id);
    const forkEvents = await history(fork.session_id);
    record('`fork` (one snapshot query, start + `ready`)', forkEvents, 1);

    await stack.baton.sessions.close(session_id);
    const resumed = await stack.baton.sessions.resume(session_id, { message: userMessage(2, 1) });
    record('`resume` of a closed session with a message', await history(session_id, resumed.run_id), 1);

    await Promise.all(
      [session_id, withMessage.session_id, fork.session_id].map((id) => stack.baton.sessions.close(id)),
    );
    return {
      turns,
      costs,
      per_turn: {
        all,
        all_total: round(totalActions(all)),
        second_half: second,
        second_half_total: round(totalActions(second)),
      },
      idle: {
        watched_s: idleSeconds,
        events_while_idle: idleEvents.length - before,
        pending_timers_s: timers,
        // Actions seen while idle, at that rate for an hour, and every pending timer due within it.
        actions_per_hour: round(
          (totalActions(countActions(idleEvents.slice(before))) * 3600) / idleSeconds +
            timers.filter((s) => s <= 3600).length,
        ),
      },
    };
  },

  markdown(r) {
    const cells = (c: ActionCounts) =>
      [c.workflow_starts, c.updates, c.activity_attempts, c.upserts, c.timers, c.signals].map((x) =>
        Number.isInteger(x) ? formatInt(x) : x.toFixed(2),
      );
    return [
      table(
        ['operation', 'starts', 'updates', 'activities', 'upserts', 'timers', 'signals', 'queries', 'total'],
        r.costs.map((o) => [
          o.call,
          ...cells(o.actions),
          formatInt(o.queries),
          Number.isInteger(o.total) ? formatInt(o.total) : o.total.toFixed(2),
        ]),
      ),
      '',
      `A turn over ${r.turns} turns of one session: ${r.per_turn.all_total.toFixed(2)} actions on average ` +
        `(${r.per_turn.second_half_total.toFixed(2)} over the second half: search attributes are written when context ` +
        'fill moves a whole percent or the token count reaches a new power of ten, so upserts thin out as a session grows). ' +
        'A model call that lasts longer than a second adds heartbeats, about one per second (the worker sends them at ' +
        "once, for quick takeover of a dead worker's turn), and each is an action; the zero-latency offline model sends none.",
      `An idle session: ${r.idle.events_while_idle} history events in ${r.idle.watched_s} s, ` +
        `${r.idle.pending_timers_s.length} pending timers: **${r.idle.actions_per_hour} actions per hour**. ` +
        '(A session with MCP servers holds one timer while a server may go idle, one action per `mcp_idle_ms`.)',
    ];
  },
});

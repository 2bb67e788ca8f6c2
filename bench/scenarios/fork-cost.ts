/**
 * What a fork costs next to an ordinary turn: for each of a few sessions with some history, an
 * ordinary turn of the session, a fork at its head, and the fork's first turn, one after another.
 * A fork is a new workflow that starts at an existing head (nothing is copied), so both it and its
 * first turn should cost about what a turn does.
 */
import { BENCH_TASK, userMessage } from '../messages';
import { countActions, totalActions } from '../billable-actions';
import { formatInt, formatMs, formatRatio, table } from '../markdown';
import { defineScenario } from '../scenario';
import { distribution, ratio, type Distribution } from '../stats';

/** The target of issue 16: a fork and its first turn, each at most this many ordinary turns (p50). */
export const FORK_TARGET = 1.2;

export interface ForkCostResult {
  parents: number;
  forks_per_parent: number;
  parent_turns: number;
  turn_ms: Distribution;
  fork_ms: Distribution;
  fork_first_turn_ms: Distribution;
  /** p50 ÷ the ordinary turn's p50. */
  fork_ratio: number;
  first_turn_ratio: number;
  targets: { fork: boolean; first_turn: boolean; target: number };
  /** Billable actions of one fork: its start and `ready` update (history) and the snapshot query. */
  fork_actions: number;
  /** Activities a fork runs before its first turn (none: it inherits its parent's fill). */
  fork_activities: number;
}

export const forkCost = defineScenario<ForkCostResult>({
  name: 'fork',
  title: 'Forks against ordinary turns',

  async run({ stack, config, progress, signal }) {
    const { parents, forksPerParent, parentTurns } = config.fork;
    const turnMs: number[] = [];
    const forkMs: number[] = [];
    const firstMs: number[] = [];
    let forkActions = 0;
    let forkActivities = 0;
    const timed = async <T>(samples: number[], work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      samples.push(performance.now() - started);
      return result;
    };
    for (let p = 0; p < parents; p++) {
      signal.throwIfAborted();
      const { session_id } = await stack.baton.sessions.start({ task: BENCH_TASK });
      for (let t = 1; t <= parentTurns; t++) await stack.baton.sessions.send(session_id, userMessage(p, t));
      const forks: string[] = [];
      for (let f = 0; f < forksPerParent; f++) {
        signal.throwIfAborted();
        const turn = parentTurns + f + 1;
        await timed(turnMs, () => stack.baton.sessions.send(session_id, userMessage(p, turn)));
        const fork = await timed(forkMs, () => stack.baton.sessions.fork(session_id));
        await timed(firstMs, () => stack.baton.sessions.send(fork.session_id, userMessage(p, turn + 1)));
        forks.push(fork.session_id);
      }
      // Counted once per parent: every fork's start is the same sequence of events.
      const events = (await stack.baton.temporal.workflow.getHandle(forks[0]!).fetchHistory()).events ?? [];
      // Up to the `ready` update's completion: the start, before the first turn.
      const ready = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
      const untilFirstTurn = events.slice(0, ready + 1);
      const counts = countActions(untilFirstTurn);
      forkActions = totalActions(counts) - counts.activity_attempts + 1; // + the snapshot query
      forkActivities = counts.activity_attempts;
      await Promise.all([...forks, session_id].map((id) => stack.baton.sessions.close(id)));
      progress(`fork: parent ${p + 1}/${parents}: ${forks.length} forks`);
    }
    const turn = distribution(turnMs);
    const fork = distribution(forkMs);
    const first = distribution(firstMs);
    const forkRatio = ratio(fork.p50, turn.p50);
    const firstRatio = ratio(first.p50, turn.p50);
    return {
      parents,
      forks_per_parent: forksPerParent,
      parent_turns: parentTurns,
      turn_ms: turn,
      fork_ms: fork,
      fork_first_turn_ms: first,
      fork_ratio: forkRatio,
      first_turn_ratio: firstRatio,
      targets: { fork: forkRatio <= FORK_TARGET, first_turn: firstRatio <= FORK_TARGET, target: FORK_TARGET },
      fork_actions: forkActions,
      fork_activities: forkActivities,
    };
  },

  markdown(r) {
    const row = (label: string, d: Distribution, x: number | undefined) => [
      label,
      formatInt(d.count),
      ...[d.p50, d.p95, d.p99].map(formatMs),
      x === undefined ? '1.00×' : formatRatio(x),
    ];
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    return [
      table(
        ['', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 ÷ turn p50'],
        [
          row('ordinary turn (`send`)', r.turn_ms, undefined),
          row('`fork` at the head', r.fork_ms, r.fork_ratio),
          row("the fork's first turn", r.fork_first_turn_ms, r.first_turn_ratio),
        ],
      ),
      '',
      `${r.parents} sessions of ${r.parent_turns} turns, each forked ${r.forks_per_parent} times; an ordinary turn of the ` +
        `session, the fork and the fork's first turn one after another. A fork is one query (the parent's snapshot) ` +
        `and one update-with-start (start + \`ready\`): ${r.fork_actions} billable actions, ${r.fork_activities} ` +
        `activities (it inherits its parent's context fill instead of counting it). Target: each ≤ ${r.targets.target}× ` +
        `a turn at p50: fork ${met(r.targets.fork)}, first turn ${met(r.targets.first_turn)}.`,
    ];
  },
});

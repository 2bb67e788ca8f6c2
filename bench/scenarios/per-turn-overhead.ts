/**
 * Per-turn latency against the Temporal floor: `baton.sessions.send` next to an update on the floor
 * workflow (bench/floor/: one no-op activity per update, on the same server and a worker tuned the
 * same) and a direct SDK call that sends the same request to the same offline model. The three
 * take turns (rotating which goes first), so drift in the machine's load affects all alike. Where
 * baton's extra time goes comes from the histories' event times (the two workflow tasks and the
 * activity of each turn, for baton and for the floor) and from timing probes on the worker's store
 * and token counter.
 */
import { BENCH_TASK, userMessage } from '../messages';
import { DirectConversation } from '../direct-conversation';
import { FloorSession } from '../floor-session';
import { defineScenario } from '../scenario';
import {
  distribution,
  percentileRatios,
  ratio,
  type Distribution,
  type PercentileComparison,
} from '../stats';
import { formatMs, formatRatio, table } from '../markdown';
import { probeDelta } from '../probes';
import { turnPhases, type TurnPhases } from '../turn-phases';

/** The targets of issue 16, checked in every run. */
export const LATENCY_TARGETS = { p50_vs_floor: 1.3, p99_vs_floor_p99: 2 } as const;

export interface PhaseDistributions {
  /** Workflow task that accepts the update and schedules the activity (scheduled → accepted). */
  accept: Distribution;
  /** Activity scheduled → completed. */
  activity: Distribution;
  /** Activity completed → update completed (the second workflow task). */
  complete: Distribution;
  /** Activity scheduled → started: near zero with eager dispatch. */
  dispatch: Distribution;
  /** The reply's workflow task scheduled → started: where transfer-queue read limits show. */
  reply_task_wait: Distribution;
}

export interface PerTurnOverheadResult {
  sessions: number;
  turns_per_session: number;
  warmup_turns: number;
  /** Latency of `baton.sessions.send`, ms. */
  baton_ms: Distribution;
  /** Latency of an update on the floor workflow, ms. */
  floor_ms: Distribution;
  /** Latency of a direct `messages.stream(...).finalMessage()` call, ms. */
  direct_ms: Distribution;
  /** baton ÷ floor, per percentile. */
  vs_floor: PercentileComparison;
  /** baton ÷ direct, per percentile. */
  vs_direct: PercentileComparison;
  targets: {
    p50_ratio: { value: number; target: number; met: boolean };
    p99_ratio: { value: number; target: number; met: boolean };
  };
  phases_ms: { baton: PhaseDistributions; floor: PhaseDistributions };
  /** Inside baton's activity, per turn: store calls and token counting (the rest is the model call). */
  activity_ms: { store: Distribution; count_tokens: Distribution; count_tokens_calls: number };
  /** Every sample, ms (0.1 ms resolution), for the latency chart. */
  samples_ms: { baton: number[]; floor: number[]; direct: number[] };
  /** Turns whose baton reply equals the direct reply: proof that both sent the same request. */
  identical_replies: number;
}

export const perTurnOverhead = defineScenario<PerTurnOverheadResult>({
  name: 'overhead',
  title: 'Per-turn latency against the Temporal floor',

  async run({ stack, config, progress, signal }) {
    const { sessions, turnsPerSession, warmupTurns } = config.overhead;
    const client = stack.baton.temporal;
    const floorQueue = await stack.floorTaskQueue();
    const batonMs: number[] = [];
    const floorMs: number[] = [];
    const directMs: number[] = [];
    const storeMs: number[] = [];
    const countMs: number[] = [];
    let countCalls = 0;
    let identical = 0;
    const batonPhases: TurnPhases[] = [];
    const floorPhases: TurnPhases[] = [];

    const runSession = async (index: number, turns: number, record: boolean) => {
      // Without the budget note, baton's request is the direct call's conversation exactly (cache
      // breakpoints aside, which the offline model's replies ignore), so both get the same reply.
      const { session_id } = await stack.baton.sessions.start({
        task: BENCH_TASK,
        settings: { budget_line: false },
      });
      const floor = await FloorSession.start(client, floorQueue);
      const direct = new DirectConversation(BENCH_TASK);
      for (let turn = 1; turn <= turns; turn++) {
        signal.throwIfAborted();
        const text = userMessage(index, turn);
        let reply = { baton: '', direct: '' };
        let probe = stack.probes.read();
        const steps = [
          async () => {
            const before = stack.probes.read();
            const started = performance.now();
            const result = await stack.baton.sessions.send(session_id, text);
            const ms = performance.now() - started;
            probe = probeDelta(before, stack.probes.read());
            reply = { ...reply, baton: result.reply };
            if (record) batonMs.push(ms);
          },
          async () => {
            const ms = await floor.send(text);
            if (record) floorMs.push(ms);
          },
          async () => {
            const d = await direct.send(stack.anthropic, text);
            reply = { ...reply, direct: d.reply };
            if (record) directMs.push(d.ms);
          },
        ];
        // Rotate the order: each design goes first, second and third equally often.
        for (let i = 0; i < steps.length; i++) await steps[(turn + i) % steps.length]!();
        if (!record) continue;
        storeMs.push(probe.store_ms);
        countMs.push(probe.count_tokens_ms);
        countCalls += probe.count_tokens_calls;
        if (reply.baton === reply.direct) identical++;
      }
      await stack.baton.sessions.close(session_id);
      await floor.close();
      if (record) {
        batonPhases.push(...turnPhases(await client.workflow.getHandle(session_id).fetchHistory()));
        floorPhases.push(...turnPhases(await floor.handle.fetchHistory()));
      }
    };

    progress(`overhead: warm-up session of ${warmupTurns} turns (not measured)`);
    await runSession(-1, warmupTurns, false);
    for (let s = 0; s < sessions; s++) {
      await runSession(s, turnsPerSession, true);
      progress(`overhead: session ${s + 1}/${sessions} done (${batonMs.length} samples)`);
    }
    const baton = distribution(batonMs);
    const floor = distribution(floorMs);
    const direct = distribution(directMs);
    const vsFloor = percentileRatios(baton, floor);
    const p99Ratio = ratio(baton.p99, floor.p99);
    const tenth = (xs: number[]) => xs.map((x) => Math.round(x * 10) / 10);
    return {
      sessions,
      turns_per_session: turnsPerSession,
      warmup_turns: warmupTurns,
      baton_ms: baton,
      floor_ms: floor,
      direct_ms: direct,
      vs_floor: vsFloor,
      vs_direct: percentileRatios(baton, direct),
      targets: {
        p50_ratio: {
          value: vsFloor.p50,
          target: LATENCY_TARGETS.p50_vs_floor,
          met: vsFloor.p50 <= LATENCY_TARGETS.p50_vs_floor,
        },
        p99_ratio: {
          value: p99Ratio,
          target: LATENCY_TARGETS.p99_vs_floor_p99,
          met: p99Ratio <= LATENCY_TARGETS.p99_vs_floor_p99,
        },
      },
      phases_ms: { baton: phaseDistributions(batonPhases), floor: phaseDistributions(floorPhases) },
      activity_ms: {
        store: distribution(storeMs),
        count_tokens: distribution(countMs),
        count_tokens_calls: countCalls,
      },
      samples_ms: { baton: tenth(batonMs), floor: tenth(floorMs), direct: tenth(directMs) },
      identical_replies: identical,
    };
  },

  markdown(r) {
    const row = (label: string, d: Distribution) => [label, ...[d.p50, d.p95, d.p99, d.mean].map(formatMs)];
    const b = r.phases_ms.baton;
    const f = r.phases_ms.floor;
    const p50 = (d: Distribution) => d.p50;
    const phaseRow = (label: string, pick: (p: PhaseDistributions) => Distribution, note: string) => [
      label,
      formatMs(p50(pick(f))),
      formatMs(p50(pick(b))),
      formatMs(p50(pick(b)) - p50(pick(f))),
      note,
    ];
    const restBaton = r.baton_ms.p50 - b.accept.p50 - b.activity.p50 - b.complete.p50;
    const restFloor = r.floor_ms.p50 - f.accept.p50 - f.activity.p50 - f.complete.p50;
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    return [
      table(
        ['', 'p50', 'p95', 'p99', 'mean'],
        [
          row('Temporal floor: update + one no-op activity (ms)', r.floor_ms),
          row('baton `send` (ms)', r.baton_ms),
          row('direct SDK call to the model (ms)', r.direct_ms),
          ['baton ÷ floor', ...[r.vs_floor.p50, r.vs_floor.p95, r.vs_floor.p99].map(formatRatio), ''],
          ['baton ÷ direct', ...[r.vs_direct.p50, r.vs_direct.p95, r.vs_direct.p99].map(formatRatio), ''],
        ],
      ),
      '',
      `${r.baton_ms.count} turns of each (${r.sessions} sessions × ${r.turns_per_session}, after ${r.warmup_turns} ` +
        'warm-up turns), the three taking turns in rotating order; baton and the direct call got identical replies in ' +
        `${r.identical_replies} of ${r.baton_ms.count} turns, so both sent the same request. Targets: p50 ≤ ` +
        `${r.targets.p50_ratio.target}× the floor (${formatRatio(r.targets.p50_ratio.value)}: ${met(r.targets.p50_ratio.met)}), ` +
        `p99 ≤ ${r.targets.p99_ratio.target}× the floor's p99 (${formatRatio(r.targets.p99_ratio.value)}: ${met(r.targets.p99_ratio.met)}).`,
      '',
      "Where the difference goes (p50 of each phase, ms, from the histories' event times and the worker's probes):",
      '',
      table(
        ['phase', 'floor', 'baton', 'baton − floor', 'what baton does there'],
        [
          phaseRow('workflow task 1: accept, schedule', (p) => p.accept, 'validator, lock, state'),
          phaseRow('activity', (p) => p.activity, 'store, token count, model call'),
          [
            '… of which store',
            '–',
            formatMs(r.activity_ms.store.p50),
            formatMs(r.activity_ms.store.p50),
            'read the path (cached), one append of both nodes',
          ],
          [
            '… of which token count',
            '–',
            formatMs(r.activity_ms.count_tokens.p50),
            formatMs(r.activity_ms.count_tokens.p50),
            `${r.activity_ms.count_tokens_calls} exact counts in ${r.baton_ms.count} turns (only near the window)`,
          ],
          [
            '… of which the model call',
            '–',
            formatMs(r.direct_ms.p50),
            formatMs(r.direct_ms.p50),
            "the direct call's p50, same request",
          ],
          phaseRow('workflow task 2: complete the update', (p) => p.complete, 'state, visibility'),
          phaseRow(
            '… of which waiting for a worker (scheduled → started)',
            (p) => p.reply_task_wait,
            'server side: ~20 ms more when transfer-queue reads are rate limited',
          ),
          [
            'client ↔ server (the rest)',
            formatMs(restFloor),
            formatMs(restBaton),
            formatMs(restBaton - restFloor),
            'request and result payloads',
          ],
          phaseRow('activity dispatch (scheduled → started)', (p) => p.dispatch, 'eager: in the same reply'),
        ],
      ),
    ];
  },
});

function phaseDistributions(phases: readonly TurnPhases[]): PhaseDistributions {
  const at = (pick: (p: TurnPhases) => number) => distribution(phases.map(pick));
  return {
    accept: at((p) => p.accept_ms),
    activity: at((p) => p.activity_ms),
    complete: at((p) => p.complete_ms),
    dispatch: at((p) => p.dispatch_ms),
    reply_task_wait: at((p) => p.reply_task_wait_ms),
  };
}

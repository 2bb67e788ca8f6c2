/**
 * Per-turn overhead: the latency of `baton.sessions.send` against a direct SDK call that sends the
 * same request to the same offline model. The two alternate turn by turn (and swap which goes
 * first), so drift in the machine's load affects both alike.
 */
import { BENCH_TASK, userMessage } from '../messages';
import { DirectConversation } from '../direct-conversation';
import { defineScenario } from '../scenario';
import {
  distribution,
  percentileDifferences,
  percentileRatios,
  type Distribution,
  type PercentileComparison,
} from '../stats';
import { formatMs, formatRatio, table } from '../markdown';
import { turnPhases, type TurnPhases } from '../turn-phases';

export interface PerTurnOverheadResult {
  sessions: number;
  turns_per_session: number;
  warmup_turns: number;
  /** Latency of a direct `messages.stream(...).finalMessage()` call, ms. */
  direct_ms: Distribution;
  /** Latency of `baton.sessions.send`, ms. */
  baton_ms: Distribution;
  /** baton ÷ direct, per percentile. */
  ratio: PercentileComparison;
  /** baton − direct, per percentile, ms. */
  added_ms: PercentileComparison;
  /**
   * Where baton's time goes, from the history's event times: accepting the update (a workflow task),
   * the model-turn activity (store writes, token count, the model call), recording the reply (a
   * second workflow task). The rest of a `send` is client ↔ server round trips.
   */
  phases_ms: { accept: Distribution; activity: Distribution; complete: Distribution };
  /** Turns whose baton reply equals the direct reply: proof that both sent the same request. */
  identical_replies: number;
}

export const perTurnOverhead = defineScenario<PerTurnOverheadResult>({
  name: 'overhead',
  title: 'Per-turn overhead',

  async run({ stack, config, progress, signal }) {
    const { sessions, turnsPerSession, warmupTurns } = config.overhead;
    const batonMs: number[] = [];
    const directMs: number[] = [];
    let identical = 0;
    const phases: TurnPhases[] = [];

    const runSession = async (index: number, turns: number, record: boolean) => {
      // Without the budget note, baton's request is the direct call's conversation exactly (cache
      // breakpoints aside, which the offline model's replies ignore), so both get the same reply.
      const { session_id } = await stack.baton.sessions.start({
        task: BENCH_TASK,
        settings: { budget_line: false },
      });
      const direct = new DirectConversation(BENCH_TASK);
      for (let turn = 1; turn <= turns; turn++) {
        signal.throwIfAborted();
        const text = userMessage(index, turn);
        const viaBaton = async () => {
          const started = performance.now();
          const result = await stack.baton.sessions.send(session_id, text);
          return { reply: result.reply, ms: performance.now() - started };
        };
        const viaSdk = () => direct.send(stack.anthropic, text);
        let b: { reply: string; ms: number };
        let d: { reply: string; ms: number };
        if (turn % 2 === 0) {
          b = await viaBaton();
          d = await viaSdk();
        } else {
          d = await viaSdk();
          b = await viaBaton();
        }
        if (!record) continue;
        batonMs.push(b.ms);
        directMs.push(d.ms);
        if (b.reply === d.reply) identical++;
      }
      await stack.baton.sessions.close(session_id);
      if (record)
        phases.push(...turnPhases(await stack.baton.temporal.workflow.getHandle(session_id).fetchHistory()));
    };

    progress(`overhead: warm-up session of ${warmupTurns} turns (not measured)`);
    await runSession(-1, warmupTurns, false);
    for (let s = 0; s < sessions; s++) {
      await runSession(s, turnsPerSession, true);
      progress(`overhead: session ${s + 1}/${sessions} done (${batonMs.length} samples)`);
    }
    const baton = distribution(batonMs);
    const directDist = distribution(directMs);
    return {
      sessions,
      turns_per_session: turnsPerSession,
      warmup_turns: warmupTurns,
      direct_ms: directDist,
      baton_ms: baton,
      ratio: percentileRatios(baton, directDist),
      added_ms: percentileDifferences(baton, directDist),
      phases_ms: {
        accept: distribution(phases.map((p) => p.accept_ms)),
        activity: distribution(phases.map((p) => p.activity_ms)),
        complete: distribution(phases.map((p) => p.complete_ms)),
      },
      identical_replies: identical,
    };
  },

  markdown(r) {
    return [
      table(
        ['', 'p50', 'p95', 'p99', 'mean'],
        [
          [
            'direct SDK call (ms)',
            ...[r.direct_ms.p50, r.direct_ms.p95, r.direct_ms.p99, r.direct_ms.mean].map(formatMs),
          ],
          [
            'baton `send` (ms)',
            ...[r.baton_ms.p50, r.baton_ms.p95, r.baton_ms.p99, r.baton_ms.mean].map(formatMs),
          ],
          ['added by baton (ms)', ...[r.added_ms.p50, r.added_ms.p95, r.added_ms.p99].map(formatMs), ''],
          ['baton ÷ direct', ...[r.ratio.p50, r.ratio.p95, r.ratio.p99].map(formatRatio), ''],
        ],
      ),
      '',
      `${r.baton_ms.count} turns (${r.sessions} sessions × ${r.turns_per_session}, after ${r.warmup_turns} warm-up turns), ` +
        `baton and the direct call alternating; the replies were identical in ${r.identical_replies} of ${r.baton_ms.count} ` +
        'turns, so both sent the same request.',
      `Where a turn's time goes (p50, from the history's event times): accepting the update ` +
        `${formatMs(r.phases_ms.accept.p50)} ms (a workflow task), the model-turn activity ` +
        `${formatMs(r.phases_ms.activity.p50)} ms (store writes, token count and the model call), recording ` +
        `the reply ${formatMs(r.phases_ms.complete.p50)} ms (a second workflow task); the rest is client ↔ server round trips.`,
    ];
  },
});

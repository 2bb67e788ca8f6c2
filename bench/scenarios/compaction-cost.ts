/**
 * Compaction and rollover cost: what an on-demand compaction, the summarization that runs before a
 * turn starting above the summarize threshold (75 %), and an emergency rollover at the rollover
 * threshold (85 %) cost, against an ordinary turn on a session as full, all in the same run.
 *
 * Each session uses the 8,000-token `baton-small-8k` model and is filled to about 70 % with turns
 * whose replies the offline model pads to 500 tokens (`[[reply_tokens=500]]`); ordinary turns do
 * the fine positioning near a threshold. Every measurement then starts from that same head (forks
 * share the conversation, so the three compactions start from the same history):
 * - fork A: ordinary turns (a short question, a short reply); then a refill to just under 75 % and
 *   an ordinary `send` that starts above it, so it summarizes first;
 * - fork B: a refill to where the next turn starts below 75 % and its reply takes the fill past
 *   85 %; that `send`, the time until `status` answers from the new run (the rollover happens after
 *   the reply), and the first turn of the new run;
 * - the session itself: `compact()`.
 */
import { temporal as proto } from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import type { BatonClient } from '../../src/client';
import type { CompactionReport } from '../../src/domain/session';
import { estimateTokens } from '../../src/domain/session';
import { statusQuery, type RolloverRecord, type SessionStatus } from '../../src/domain/session';
import { formatInt, formatMs, formatRatio, table } from '../markdown';
import { BENCH_TASK, userMessage } from '../messages';
import { defineScenario } from '../scenario';
import { distribution, ratio, round, type Distribution } from '../stats';

/** The small-window model: a few turns fill it, so every threshold is reached quickly. */
export const COMPACTION_MODEL = 'baton-small-8k';
/**
 * Reply size of the turns that fill a session. Every filling turn asks for the same size (ordinary
 * turns, about 80 tokens, do the fine positioning), because the offline summarizer's summary is as
 * long as the first `[[reply_tokens]]` directive it reads: this way every summary is this long.
 */
export const FILL_REPLY_TOKENS = 500;
/** Reply size of the turn that crosses the rollover threshold (the model's output limit is 1,024). */
const TRIGGER_REPLY_TOKENS = 1_000;
/** Fill, as a share of the window, that a session is filled to (within half a filling turn). */
const FILL_TO = 0.7;
/** Tokens kept between a planned fill and a threshold, for the tokenizer's small surprises. */
const MARGIN = 20;
/** How long the new run may take to show up after a rollover before the scenario gives up. */
const ROLLOVER_TIMEOUT_MS = 30_000;
const POLL_MS = 5;
/**
 * Temporal's `history.continueAsNewMinInterval` (1 s by default): when a run continues-as-new sooner
 * than this after it started, the server holds the new run's first workflow task back for the
 * difference. A session's runs live far longer; the forks here would not, so a fork's rollover waits
 * until its run is older than this (and the new run's backoff is recorded, to show it was zero).
 */
export const CONTINUE_AS_NEW_MIN_INTERVAL_MS = 1_000;

const EventType = proto.api.enums.v1.EventType;

/** A latency distribution and how it compares with an ordinary turn's p50. */
export interface LatencyVsOrdinary {
  latency_ms: Distribution;
  /** This p50 and p95 ÷ an ordinary turn's p50. */
  ratio_to_ordinary_p50: { p50: number; p95: number };
}

/** What the compactions of one kind did, from their reports. */
export interface CompactionEffect {
  count: number;
  /** Context fill when it started, percent of the window. */
  fill_before_percent: Distribution;
  tokens_before: Distribution;
  tokens_after: Distribution;
  tokens_freed: Distribution;
  /** tokens_before ÷ tokens_after of each report. */
  compression_ratio: Distribution;
  summarizer_calls: Distribution;
  /** Messages kept verbatim, and folded into the summary. */
  kept: Distribution;
  summarized: Distribution;
}

export interface CompactionCostResult {
  model: string;
  context_window: number;
  settings: { summarize_at_percent: number; rollover_at_percent: number; keep_recent_turns: number };
  sessions: number;
  fill_reply_tokens: number;
  /** Ordinary turns: the benchmark's usual short question and a short reply, on a fork ~70–75 % full. */
  ordinary: {
    latency_ms: Distribution;
    fill_percent: { min: number; max: number };
    /** Tokens a turn adds (message and reply). */
    tokens_per_turn: Distribution;
  };
  /** Turns with a {@link FILL_REPLY_TOKENS}-token reply (the fill turns), for scale. */
  long_reply: LatencyVsOrdinary;
  /** `compact()` at ~70 %: the caller's latency and what it did. */
  on_demand: LatencyVsOrdinary & { effect: CompactionEffect };
  /** A `send` of an ordinary message that starts above the summarize threshold. */
  summarize_before_turn: LatencyVsOrdinary & {
    /** Latency above an ordinary turn's p50, ms (p50 and p95). */
    added_ms: { p50: number; p95: number };
    effect: CompactionEffect;
  };
  rollover: {
    /** Rollovers by reason (all `context_fill` when the scenario works as meant). */
    reasons: Record<string, number>;
    /** The `send` whose reply took the fill past the rollover threshold (a 1,000-token reply). */
    trigger_send: LatencyVsOrdinary & {
      /** ÷ a turn with a {@link FILL_REPLY_TOKENS}-token reply's p50. */
      ratio_to_long_reply_p50: { p50: number; p95: number };
    };
    /** From that `send` starting until `status` answers from the new run. */
    until_new_run: LatencyVsOrdinary;
    /** From the reply until the new run shows: the rollover proper, as the caller sees it. */
    after_reply_ms: Distribution;
    /** From the run's history (server clock): the aggressive compaction activity, and reply → continue-as-new. */
    server_ms: { compaction_activity: Distribution; reply_to_continue_as_new: Distribution };
    /**
     * New runs whose first workflow task the server held back (see
     * {@link CONTINUE_AS_NEW_MIN_INTERVAL_MS}), and the longest hold, ms: 0 when nothing skewed the timing.
     */
    throttled_new_runs: number;
    max_first_task_backoff_ms: number;
    /** The first `send` of the new run (an ordinary message). */
    first_turn_after: LatencyVsOrdinary;
    /** The rollover records: context tokens before and after, and their ratio. */
    tokens_before: Distribution;
    tokens_after: Distribution;
    context_ratio: Distribution;
    /** The aggressive compaction's report. */
    effect: CompactionEffect;
  };
}

/** One rollover as measured. */
interface RolloverSample {
  record: RolloverRecord;
  report: CompactionReport;
  send_ms: number;
  until_new_run_ms: number;
  compaction_activity_ms: number | undefined;
  reply_to_continue_ms: number | undefined;
  first_task_backoff_ms: number;
  first_turn_after_ms: number;
}

/** Samples collected over all sessions. */
interface Samples {
  ordinaryMs: number[];
  ordinaryFill: number[];
  ordinaryTokens: number[];
  longMs: number[];
  compactMs: number[];
  compactReports: { report: CompactionReport; fill_percent: number }[];
  summarizeMs: number[];
  summarizeReports: { report: CompactionReport; fill_percent: number }[];
  rollovers: RolloverSample[];
}

export const compactionCost = defineScenario<CompactionCostResult>({
  name: 'compaction',
  title: 'Compaction and rollover cost',

  async run({ stack, config, progress, signal }) {
    const { sessions, ordinaryTurns } = config.compaction;
    const samples: Samples = {
      ordinaryMs: [],
      ordinaryFill: [],
      ordinaryTokens: [],
      longMs: [],
      compactMs: [],
      compactReports: [],
      summarizeMs: [],
      summarizeReports: [],
      rollovers: [],
    };
    let settings: CompactionCostResult['settings'] | undefined;
    let window = 0;
    for (let s = 0; s < sessions; s++) {
      signal.throwIfAborted();
      const { session_id, status } = await stack.baton.sessions.start({
        task: BENCH_TASK,
        model: COMPACTION_MODEL,
        // The fill is planned to within a hundred tokens of the thresholds from each turn's
        // budget; the budget note (a few dozen tokens that differ every turn) would blur that.
        settings: { budget_line: false },
      });
      window = status.context_window;
      settings = {
        summarize_at_percent: status.settings.summarize_at_percent,
        rollover_at_percent: status.settings.rollover_at_percent,
        keep_recent_turns: status.settings.keep_recent_turns,
      };
      const session = new FilledSession(stack.baton, session_id, s, status, samples.longMs, signal);
      await measureSession(stack.baton, session, ordinaryTurns, samples);
      await session.close();
      const c = samples.compactReports.at(-1)!;
      const r = samples.rollovers.at(-1)!;
      progress(
        `compaction: session ${s + 1}/${sessions}: compact at ${c.fill_percent} % → ` +
          `${formatRatio(c.report.compression_ratio)} in ${formatMs(samples.compactMs.at(-1)!)} ms; ` +
          `summarize-first send ${formatMs(samples.summarizeMs.at(-1)!)} ms; rollover (${r.record.reason}) ` +
          `reply ${formatMs(r.send_ms)} ms, new run after ${formatMs(r.until_new_run_ms)} ms`,
      );
    }

    const ordinary = distribution(samples.ordinaryMs);
    const vsOrdinary = (ms: readonly number[]): LatencyVsOrdinary => {
      const d = distribution(ms);
      return {
        latency_ms: d,
        ratio_to_ordinary_p50: { p50: ratio(d.p50, ordinary.p50), p95: ratio(d.p95, ordinary.p50) },
      };
    };
    const long = vsOrdinary(samples.longMs);
    const summarize = vsOrdinary(samples.summarizeMs);
    const rollovers = samples.rollovers;
    const trigger = vsOrdinary(rollovers.map((r) => r.send_ms));
    const reasons: Record<string, number> = {};
    for (const r of rollovers) reasons[r.record.reason] = (reasons[r.record.reason] ?? 0) + 1;
    return {
      model: COMPACTION_MODEL,
      context_window: window,
      settings: settings!,
      sessions,
      fill_reply_tokens: FILL_REPLY_TOKENS,
      ordinary: {
        latency_ms: ordinary,
        fill_percent: { min: Math.min(...samples.ordinaryFill), max: Math.max(...samples.ordinaryFill) },
        tokens_per_turn: distribution(samples.ordinaryTokens),
      },
      long_reply: long,
      on_demand: { ...vsOrdinary(samples.compactMs), effect: effectOf(samples.compactReports) },
      summarize_before_turn: {
        ...summarize,
        added_ms: {
          p50: round(summarize.latency_ms.p50 - ordinary.p50),
          p95: round(summarize.latency_ms.p95 - ordinary.p50),
        },
        effect: effectOf(samples.summarizeReports),
      },
      rollover: {
        reasons,
        trigger_send: {
          ...trigger,
          ratio_to_long_reply_p50: {
            p50: ratio(trigger.latency_ms.p50, long.latency_ms.p50),
            p95: ratio(trigger.latency_ms.p95, long.latency_ms.p50),
          },
        },
        until_new_run: vsOrdinary(rollovers.map((r) => r.until_new_run_ms)),
        after_reply_ms: distribution(rollovers.map((r) => r.until_new_run_ms - r.send_ms)),
        server_ms: {
          compaction_activity: distribution(definedOnly(rollovers.map((r) => r.compaction_activity_ms))),
          reply_to_continue_as_new: distribution(definedOnly(rollovers.map((r) => r.reply_to_continue_ms))),
        },
        throttled_new_runs: rollovers.filter((r) => r.first_task_backoff_ms > 0).length,
        max_first_task_backoff_ms: round(Math.max(0, ...rollovers.map((r) => r.first_task_backoff_ms))),
        first_turn_after: vsOrdinary(rollovers.map((r) => r.first_turn_after_ms)),
        tokens_before: distribution(rollovers.map((r) => r.record.tokens_before)),
        tokens_after: distribution(rollovers.map((r) => r.record.tokens_after)),
        context_ratio: distribution(
          rollovers.map((r) => ratio(r.record.tokens_before, r.record.tokens_after)),
        ),
        effect: effectOf(
          rollovers.map((r) => ({
            report: r.report,
            fill_percent: round((r.report.tokens_before / window) * 100),
          })),
        ),
      },
    };
  },

  markdown(r) {
    const row = (label: string, x: LatencyVsOrdinary): string[] => [
      label,
      formatInt(x.latency_ms.count),
      formatMs(x.latency_ms.p50),
      formatMs(x.latency_ms.p95),
      formatRatio(x.ratio_to_ordinary_p50.p50),
      formatRatio(x.ratio_to_ordinary_p50.p95),
    ];
    const o = r.ordinary.latency_ms;
    const effectRow = (label: string, e: CompactionEffect): string[] => [
      label,
      formatInt(e.count),
      `${formatInt(e.fill_before_percent.p50)} %`,
      formatInt(e.tokens_before.p50),
      formatInt(e.tokens_after.p50),
      formatInt(e.tokens_freed.p50),
      `${formatRatio(e.compression_ratio.min)} / ${formatRatio(e.compression_ratio.p50)} / ${formatRatio(e.compression_ratio.max)}`,
      e.summarizer_calls.min === e.summarizer_calls.max
        ? formatInt(e.summarizer_calls.p50)
        : `${formatInt(e.summarizer_calls.min)}–${formatInt(e.summarizer_calls.max)}`,
    ];
    const ro = r.rollover;
    const reasons = Object.entries(ro.reasons)
      .map(([reason, n]) => `${n} × ${reason}`)
      .join(', ');
    return [
      table(
        ['', 'n', 'p50 ms', 'p95 ms', 'p50 ÷ ordinary p50', 'p95 ÷ ordinary p50'],
        [
          [
            `ordinary turn (${formatInt(r.ordinary.fill_percent.min)}–${formatInt(r.ordinary.fill_percent.max)} % full)`,
            formatInt(o.count),
            formatMs(o.p50),
            formatMs(o.p95),
            formatRatio(1),
            formatRatio(ratio(o.p95, o.p50)),
          ],
          row(`turn with a ${formatInt(r.fill_reply_tokens)}-token reply`, r.long_reply),
          row(
            `\`compact()\` on demand (~${formatInt(r.on_demand.effect.fill_before_percent.p50)} % full)`,
            r.on_demand,
          ),
          row(
            `\`send\` that summarizes first (≥ ${r.settings.summarize_at_percent} % with its message)`,
            r.summarize_before_turn,
          ),
          row(
            `\`send\` whose reply crosses ${r.settings.rollover_at_percent} % (rollover follows)`,
            ro.trigger_send,
          ),
          row('… until `status` shows the new run', ro.until_new_run),
          row('first `send` of the new run', ro.first_turn_after),
        ],
      ),
      '',
      table(
        [
          'compaction',
          'n',
          'fill before',
          'tokens before',
          'tokens after',
          'freed',
          'ratio min / p50 / max',
          'summarizer calls',
        ],
        [
          effectRow('on demand (progressive)', r.on_demand.effect),
          effectRow(
            `before a turn at ${r.settings.summarize_at_percent} % (progressive)`,
            r.summarize_before_turn.effect,
          ),
          effectRow('rollover (aggressive)', ro.effect),
        ],
      ),
      '',
      `${r.sessions} sessions of \`${r.model}\` (${formatInt(r.context_window)}-token window, thresholds ` +
        `${r.settings.summarize_at_percent} % / ${r.settings.rollover_at_percent} %, keep_recent_turns ` +
        `${r.settings.keep_recent_turns}), filled with turns of ${formatInt(r.fill_reply_tokens)}-token replies; ` +
        `token figures are p50s from the compaction reports (counted, not estimated), ratio = tokens before ÷ after. ` +
        `Each session is filled once; the ordinary turns (${formatInt(r.ordinary.tokens_per_turn.p50)} tokens each), ` +
        'the summarizing `send` and the rollover run on forks of that head, and `compact()` on the session ' +
        'itself, so the three compactions start from the same conversation. What stays verbatim sets the ' +
        `ratio: the last ${r.settings.keep_recent_turns} turns were ${formatInt(r.fill_reply_tokens)}-token ones ` +
        'before the on-demand compaction and ordinary ones before the summarizing `send` (the fork had just run ' +
        'them), and the aggressive compaction of a rollover keeps only the last turn.',
      `A summarizing \`send\` adds ${formatMs(r.summarize_before_turn.added_ms.p50)} ms at p50 to an ordinary turn. ` +
        `Rollovers: ${reasons}; the reply comes back before the rollover (its turn carries a ` +
        `${formatInt(TRIGGER_REPLY_TOKENS)}-token reply: ${formatRatio(ro.trigger_send.ratio_to_long_reply_p50.p50)} a ` +
        `${formatInt(r.fill_reply_tokens)}-token turn at p50), and the new run answers ` +
        `${formatMs(ro.after_reply_ms.p50)} ms (p50) after the reply; in the history, the aggressive compaction ` +
        `activity takes ${formatMs(ro.server_ms.compaction_activity.p50)} ms and reply → continue-as-new ` +
        `${formatMs(ro.server_ms.reply_to_continue_as_new.p50)} ms. Context before → after a rollover: ` +
        `${formatInt(ro.tokens_before.p50)} → ${formatInt(ro.tokens_after.p50)} tokens (p50).`,
      ro.throttled_new_runs > 0
        ? `Temporal held back the first task of ${ro.throttled_new_runs} new run(s) (up to ` +
          `${formatMs(ro.max_first_task_backoff_ms)} ms): a run that continues-as-new less than ` +
          `${formatInt(CONTINUE_AS_NEW_MIN_INTERVAL_MS)} ms after its start waits out the difference ` +
          '(`history.continueAsNewMinInterval`), which those figures include.'
        : 'A run that continues-as-new less than ' +
          `${formatInt(CONTINUE_AS_NEW_MIN_INTERVAL_MS)} ms after its start has its successor held back for the ` +
          "difference (Temporal's `history.continueAsNewMinInterval`); the forks here wait until their run is " +
          'older than that, and no new run was held back.',
      'The offline model stands in for the summarizer, and its summary is as long as the first ' +
        '`[[reply_tokens]]` directive in the transcript it reads: every filling turn asks for ' +
        `${formatInt(r.fill_reply_tokens)}, so every summary is about ${formatInt(r.fill_reply_tokens)} tokens and ` +
        'the ratios show what baton keeps verbatim (critical items and the last turns) around a summary of that ' +
        'size. A real model writes a summary of its own length.',
    ];
  },
});

/**
 * A session being filled: tracks its context fill from each reply's budget, and how many tokens a
 * filling turn and an ordinary turn add, to plan the next steps.
 */
class FilledSession {
  fill: number;
  /** Tokens a filling turn adds (its message and its {@link FILL_REPLY_TOKENS}-token reply), as last seen. */
  private longStep = FILL_REPLY_TOKENS + 60;
  /** Tokens an ordinary turn adds, as last seen. */
  private shortStep = 80;
  private turn = 0;
  readonly window: number;
  readonly summarizeAt: number;
  readonly rolloverAt: number;

  constructor(
    readonly baton: BatonClient,
    readonly id: string,
    readonly index: number,
    status: SessionStatus,
    private readonly longMs: number[],
    private readonly signal: AbortSignal,
  ) {
    this.fill = status.tokens_used;
    this.window = status.context_window;
    this.summarizeAt = (this.window * status.settings.summarize_at_percent) / 100;
    this.rolloverAt = (this.window * status.settings.rollover_at_percent) / 100;
  }

  /** A fork at this session's head, filled as far, numbering its turns on from this one's. */
  async fork(): Promise<FilledSession> {
    const started = await this.baton.sessions.fork(this.id);
    const fork = new FilledSession(
      this.baton,
      started.session_id,
      this.index,
      started.status,
      this.longMs,
      this.signal,
    );
    fork.turn = this.turn;
    fork.longStep = this.longStep;
    fork.shortStep = this.shortStep;
    return fork;
  }

  /** The status query, answered by the current run (without the client's fork listing). */
  status(): Promise<SessionStatus> {
    return this.baton.temporal.workflow.getHandle(this.id).query(statusQuery);
  }

  /** Waits until the current run started at least `ms` ago (by the run's start time). */
  async waitUntilRunIsOlderThan(ms: number): Promise<void> {
    const { startTime } = await this.baton.temporal.workflow.getHandle(this.id).describe();
    const wait = startTime.getTime() + ms - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  async close(): Promise<void> {
    await this.baton.sessions.close(this.id);
  }

  /** The next ordinary message (the benchmark's usual question). */
  ordinaryMessage(): string {
    return userMessage(this.index, ++this.turn);
  }

  /** The next message whose reply the offline model pads to about `replyTokens` tokens. */
  fillMessage(replyTokens = FILL_REPLY_TOKENS): string {
    return fillText(this.index, ++this.turn, replyTokens);
  }

  /** True when sending `text` now would start at or above the summarize threshold. */
  wouldSummarize(text: string): boolean {
    return this.fill + estimateTokens(text) >= this.summarizeAt;
  }

  fillPercent(): number {
    return round((this.fill / this.window) * 100);
  }

  /** Sends `text`, updates the fill, and returns the latency and the tokens the turn added. */
  async send(text: string): Promise<{ ms: number; added: number }> {
    this.signal.throwIfAborted();
    const started = performance.now();
    const result = await this.baton.sessions.send(this.id, text);
    const ms = performance.now() - started;
    const added = result.token_budget.used - this.fill;
    this.fill = result.token_budget.used;
    return { ms, added };
  }

  /** One filling turn (its latency is a sample of a long-reply turn). */
  async longTurn(): Promise<void> {
    const { ms, added } = await this.sendPlanned(this.fillMessage());
    this.longMs.push(ms);
    this.longStep = added;
  }

  /** One ordinary turn, not measured: for positioning. */
  async shortTurn(): Promise<void> {
    this.shortStep = (await this.sendPlanned(this.ordinaryMessage())).added;
  }

  /** Filling turns until the fill is within half a filling turn of `target`. */
  async fillNear(target: number): Promise<void> {
    while (this.fill + this.longStep / 2 < target) await this.longTurn();
  }

  /** Filling turns while they end at or below `limit`, then ordinary turns while they do. */
  async fillBelow(limit: number): Promise<void> {
    while (this.fill + this.longStep <= limit) await this.longTurn();
    while (this.fill + this.shortStep <= limit) await this.shortTurn();
  }

  /**
   * Turns until an ordinary message would start at or above the summarize threshold: filling turns
   * while one more still leaves it below, then ordinary turns (which never start above it).
   */
  async fillUntilSummarizeIsDue(): Promise<void> {
    const probe = userMessage(this.index, 9999);
    const due = this.summarizeAt - estimateTokens(probe);
    while (this.fill < due) {
      if (this.fill + this.longStep < due) await this.longTurn();
      else await this.shortTurn();
    }
  }

  /** Sends a planned turn, which must not start above the summarize threshold. */
  private async sendPlanned(text: string): Promise<{ ms: number; added: number }> {
    if (this.wouldSummarize(text)) {
      throw new Error(
        `session ${this.id}: a planned turn at ${this.fill} tokens would start above the summarize ` +
          `threshold (${this.summarizeAt} tokens)`,
      );
    }
    return this.send(text);
  }
}

/** A message whose reply the offline model pads to about `replyTokens` tokens. */
function fillText(session: number, turn: number, replyTokens: number): string {
  return (
    `Turn ${String(turn).padStart(4, '0')} (session ${session}): write out the next step of the migration ` +
    `plan in full. [[reply_tokens=${replyTokens}]]`
  );
}

/**
 * Measures one session (see the module comment): fills it to about {@link FILL_TO} of its window, then
 * starts every measurement from that same head, on forks of it and on the session itself.
 */
async function measureSession(
  baton: BatonClient,
  session: FilledSession,
  ordinaryTurns: number,
  samples: Samples,
): Promise<void> {
  await session.fillNear(Math.round(session.window * FILL_TO));
  // Fork B is made first so that its run is old enough to roll over unthrottled by the time it does.
  const rolling = await session.fork();

  // Fork A: ordinary turns, then a refill to just under the summarize threshold and an ordinary
  // send that starts above it. (A long run of ordinary turns moves on to a fresh fork.)
  let fork = await session.fork();
  for (let i = 0; i < ordinaryTurns; i++) {
    const text = fork.ordinaryMessage();
    if (fork.wouldSummarize(text)) {
      await fork.close();
      fork = await session.fork();
    }
    const fill = fork.fillPercent();
    const { ms, added } = await fork.send(text);
    samples.ordinaryMs.push(ms);
    samples.ordinaryFill.push(fill);
    samples.ordinaryTokens.push(added);
  }
  const summarize = await measureSummarizeFirst(fork);
  samples.summarizeMs.push(summarize.ms);
  samples.summarizeReports.push(summarize.effect);
  await fork.close();

  // Fork B: a refill to where the next turn starts below the summarize threshold and its reply takes
  // the fill past the rollover threshold; that turn, and the rollover after it.
  const triggerTokens = estimateTokens(fillText(session.index, 9999, TRIGGER_REPLY_TOKENS));
  const high = Math.floor(rolling.summarizeAt - triggerTokens) - MARGIN;
  const low = Math.ceil(rolling.rolloverAt - TRIGGER_REPLY_TOKENS) + MARGIN; // the message adds more
  await rolling.fillBelow(high);
  if (rolling.fill < low || rolling.fill > high) {
    throw new Error(
      `session ${rolling.id}: fill ${rolling.fill} is outside the rollover window ${low}–${high}`,
    );
  }
  await rolling.waitUntilRunIsOlderThan(CONTINUE_AS_NEW_MIN_INTERVAL_MS + 50);
  samples.rollovers.push(await measureRollover(rolling, rolling.fillMessage(TRIGGER_REPLY_TOKENS)));
  await rolling.close();

  // The session itself: an on-demand compaction.
  const fill = session.fillPercent();
  const started = performance.now();
  const report = await baton.sessions.compact(session.id);
  samples.compactMs.push(performance.now() - started);
  if (report.status !== 'committed') {
    throw new Error(`session ${session.id}: compact() ${report.status}: ${report.error ?? ''}`);
  }
  samples.compactReports.push({ report, fill_percent: fill });
}

/**
 * Fills `session` until an ordinary message starts above the summarize threshold, sends one, and
 * checks in `status` that it summarized first.
 */
async function measureSummarizeFirst(
  session: FilledSession,
): Promise<{ ms: number; effect: { report: CompactionReport; fill_percent: number } }> {
  await session.fillUntilSummarizeIsDue();
  const text = session.ordinaryMessage();
  if (!session.wouldSummarize(text) || session.fill >= session.rolloverAt - MARGIN) {
    throw new Error(
      `session ${session.id}: at ${session.fill} tokens, not placed to summarize before a turn`,
    );
  }
  const before = await session.status();
  const fill = session.fillPercent();
  const { ms } = await session.send(text);
  const after = await session.status();
  const report = after.last_compaction;
  if (
    after.compactions !== before.compactions + 1 ||
    report?.trigger !== 'threshold' ||
    report.status !== 'committed'
  ) {
    throw new Error(
      `session ${session.id}: the send at ${fill} % did not summarize first (last compaction: ${JSON.stringify(report)})`,
    );
  }
  return { ms, effect: { report, fill_percent: fill } };
}

/**
 * Sends `trigger` (whose reply takes the fill past the rollover threshold), then polls the status
 * query until it answers from a new run with one more rollover record; then one ordinary turn.
 */
async function measureRollover(session: FilledSession, trigger: string): Promise<RolloverSample> {
  const before = await session.status();
  const started = performance.now();
  await session.baton.sessions.send(session.id, trigger);
  const sendMs = performance.now() - started;
  let after: SessionStatus | undefined;
  for (;;) {
    const status = await session.status().catch(() => undefined);
    if (status && status.run_id !== before.run_id && status.rollovers.length > before.rollovers.length) {
      after = status;
      break;
    }
    if (performance.now() - started > ROLLOVER_TIMEOUT_MS) {
      throw new Error(
        `session ${session.id}: no rollover within ${ROLLOVER_TIMEOUT_MS / 1000} s of a reply that took the ` +
          `fill to ${status?.tokens_used ?? '?'} tokens`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const untilNewRunMs = performance.now() - started;
  const record = after.rollovers.at(-1)!;
  const report = after.last_compaction;
  if (report?.trigger !== 'rollover') {
    throw new Error(
      `session ${session.id}: the rollover left no compaction report (${JSON.stringify(report)})`,
    );
  }
  const runs = session.baton.temporal.workflow;
  const phases = rolloverPhases(await runs.getHandle(session.id, before.run_id).fetchHistory());
  const newRun = await runs.getHandle(session.id, after.run_id).fetchHistory();
  const backoff = newRun.events?.[0]?.workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff;
  session.fill = after.tokens_used;
  const { ms: firstTurnMs } = await session.send(session.ordinaryMessage());
  return {
    record,
    report,
    send_ms: sendMs,
    until_new_run_ms: untilNewRunMs,
    compaction_activity_ms: phases.compaction_activity_ms,
    reply_to_continue_ms: phases.reply_to_continue_ms,
    first_task_backoff_ms: backoff ? Number(backoff.seconds ?? 0) * 1000 + (backoff.nanos ?? 0) / 1e6 : 0,
    first_turn_after_ms: firstTurnMs,
  };
}

/**
 * From a run that rolled over (server clock): how long its last `compactContext` activity (the
 * aggressive compaction) took, and the time from the last update's completion before it (the
 * reply that triggered the rollover) to the continue-as-new event.
 */
export function rolloverPhases(history: temporal.api.history.v1.IHistory): {
  compaction_activity_ms: number | undefined;
  reply_to_continue_ms: number | undefined;
} {
  let lastUpdateDone: number | undefined;
  let replyAt: number | undefined;
  let compaction: { id: number; at: number } | undefined;
  let compactionMs: number | undefined;
  let continuedAt: number | undefined;
  for (const event of history.events ?? []) {
    const at = millis(event.eventTime);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        lastUpdateDone = at;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'compactContext') {
          compaction = { id: Number(event.eventId), at };
          compactionMs = undefined;
          replyAt = lastUpdateDone;
        }
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        if (
          compaction &&
          Number(event.activityTaskCompletedEventAttributes?.scheduledEventId) === compaction.id
        ) {
          compactionMs = at - compaction.at;
        }
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        continuedAt = at;
        break;
      default:
        break;
    }
  }
  return {
    compaction_activity_ms: compactionMs,
    reply_to_continue_ms:
      continuedAt !== undefined && replyAt !== undefined ? continuedAt - replyAt : undefined,
  };
}

/** The effect of a set of compactions, from their reports. */
function effectOf(items: readonly { report: CompactionReport; fill_percent: number }[]): CompactionEffect {
  const reports = items.map((i) => i.report);
  return {
    count: reports.length,
    fill_before_percent: distribution(items.map((i) => i.fill_percent)),
    tokens_before: distribution(reports.map((r) => r.tokens_before)),
    tokens_after: distribution(reports.map((r) => r.tokens_after)),
    tokens_freed: distribution(reports.map((r) => r.tokens_freed)),
    compression_ratio: distribution(reports.map((r) => ratio(r.tokens_before, r.tokens_after))),
    summarizer_calls: distribution(reports.map((r) => r.summarizer_calls)),
    kept: distribution(reports.map((r) => r.kept)),
    summarized: distribution(reports.map((r) => r.summarized)),
  };
}

function definedOnly(values: readonly (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined);
}

function millis(time: temporal.api.history.v1.IHistoryEvent['eventTime']): number {
  if (!time) return 0;
  return Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6;
}

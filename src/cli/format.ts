import type { ExploreResult } from '../client/fork-session';
import type { MergeOutcome } from '../client/merge-session';
import type { SessionListEntry, SessionStatusWithLink, StartSessionResult } from '../client/sessions-client';
import type { TokenBudget } from '../domain/session';
import type { CacheStats, CompactionReport } from '../domain/session';
import { tableLines } from './text-table';
import type { CheckpointRecord, SendResult, SessionStatus } from '../domain/session';
import { formatCount } from '../domain/format';
import { permissionLines, workspaceLines } from './workspace-format';

const usd = (x: number) => `$${x.toFixed(4)}`;
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** `12,345 / 200,000 tokens (6.2%), 187,655 available` */
export function formatBudget(b: TokenBudget): string {
  return `${formatCount(b.used)} / ${formatCount(b.total)} tokens (${b.position_percent}%), ${formatCount(b.available)} available`;
}

export function formatStart(
  r: Omit<StartSessionResult, 'status'> & { status?: StartSessionResult['status'] },
): string {
  const summarizer = r.status?.settings.summarizer_model?.id;
  return [
    `Session ${r.session_id} started (${r.model}${summarizer && summarizer !== r.model ? `, summaries by ${summarizer}` : ''}).`,
    `  context  ${formatBudget(r.token_budget)}`,
    `  ui       ${r.ui_url}`,
    `Send a message: baton session send ${r.session_id} "…"`,
  ].join('\n');
}

export function formatSend(r: SendResult): string {
  return [r.reply, '', formatTurnLine(r)].join('\n');
}

/** The budget line printed after a reply: the turn's usage and cost, and the context after it. */
export function formatTurnLine(r: SendResult): string {
  const u = r.usage;
  const cached = u.cache_read_input_tokens + u.cache_creation_input_tokens;
  const cache =
    cached > 0
      ? ` (+${formatCount(u.cache_read_input_tokens)} cache read, ${formatCount(u.cache_creation_input_tokens)} written)`
      : '';
  const thinking = u.thinking_tokens ? ` (${formatCount(u.thinking_tokens)} thinking)` : '';
  return (
    `── turn ${r.turn} · ${formatCount(u.input_tokens)} in${cache} / ${formatCount(u.output_tokens)} out${thinking} · ` +
    `${r.cost_unknown ? 'cost unknown (no price for this model)' : usd(r.cost_usd)} · context ${formatBudget(r.token_budget)}`
  );
}

/** `hit rate 91.2% · 40,000 read / 4,000 written · input $0.0210 instead of $0.1320 uncached` */
export function formatCache(c: CacheStats): string {
  const cost =
    c.input_cost_usd !== undefined && c.uncached_input_cost_usd !== undefined
      ? ` · input ${usd(c.input_cost_usd)} instead of ${usd(c.uncached_input_cost_usd)} uncached`
      : '';
  return `hit rate ${percent(c.hit_rate)} · ${formatCount(c.read_tokens)} read / ${formatCount(c.write_tokens)} written${cost}`;
}

export function formatStatus(s: SessionStatusWithLink | SessionStatus): string {
  const c = s.cumulative;
  const lines = [
    `Session ${s.session_id} · ${s.status} · ${s.model}`,
    `  context     ${formatCount(s.tokens_used)} / ${formatCount(s.context_window)} tokens (${s.position_percent}%), ${formatCount(s.tokens_available)} available`,
    `  cumulative  ${formatCount(c.input_tokens)} in / ${formatCount(c.output_tokens)} out / ${formatCount(c.cache_read_input_tokens)} cache read / ` +
      `${formatCount(c.cache_creation_input_tokens)} cache write · ${usd(c.cost_usd)}` +
      (c.unpriced_tokens ? ` + ${formatCount(c.unpriced_tokens)} tokens of unknown cost` : '') +
      (c.thinking_tokens ? ` · ${formatCount(c.thinking_tokens)} thinking` : ''),
    ...(s.cache ? [`  cache       ${formatCache(s.cache)}`] : []),
    ...(s.settings.summarizer_model ? [`  summaries   by ${s.settings.summarizer_model.id}`] : []),
    `  turns       ${s.turns} · last activity ${s.last_activity}`,
    `  run         ${s.run_id}${s.previous_runs.length ? ` (after ${s.previous_runs.length} earlier run(s))` : ''}`,
  ];
  if (s.workspace) lines.push(...workspaceLines(s.workspace));
  if (s.pending_permission) lines.push(...permissionLines(s.session_id, s.pending_permission));
  if (s.lineage)
    lines.push(`  forked from ${s.lineage.parent_session_id} at ${s.lineage.fork_head.slice(0, 12)}`);
  if (s.resumed_from)
    lines.push(`  resumed     from run ${s.resumed_from.previous_run_id} at ${s.resumed_from.time}`);
  if (s.merges.length > 0)
    lines.push(`  merges      ${s.merges.map((m) => `${m.fork_session_id} (${m.strategy})`).join(', ')}`);
  if ('forks' in s && s.forks.length > 0) lines.push(`  forks       ${s.forks.join(', ')}`);
  if ('part_of' in s && s.part_of) {
    const what = s.part_of.kind === 'spec' ? 'SPEC' : 'handoff';
    lines.push(
      `  part of     ${what} ${s.part_of.id}: \`${s.part_of.command}\`; ` +
        `\`baton session fork ${s.session_id}\` carries on from its conversation`,
    );
  }
  if ('resumable' in s && s.resumable) {
    lines.push(
      `  resumable   yes: \`baton session resume ${s.session_id}\` (${formatCount(s.tokens_available)} tokens available)`,
    );
  }
  if ('ui_url' in s) lines.push(`  ui          ${s.ui_url}`);
  return lines.join('\n');
}

/** The merge, the main session's status after it, and the exploration's forks it closed. */
export function formatMerge(main: string, fork: string, r: MergeOutcome): string {
  const lines = [
    `Merged ${fork} into ${main} (${r.merge.strategy}); head ${r.merge.head_after.slice(0, 12)}.`,
    formatStatus(r.status),
  ];
  if (r.closed_forks) {
    lines.push(
      r.closed_forks.length > 0
        ? `Closed the other forks: ${r.closed_forks.join(', ')}.`
        : 'The other forks were closed already.',
    );
  }
  for (const f of r.not_closed ?? []) lines.push(`Could not close ${f.session_id}: ${f.error}`);
  return lines.join('\n');
}

export function formatList(rows: SessionListEntry[]): string {
  if (rows.length === 0) return 'No sessions yet. Start one with `baton session start "<task>"`.';
  const header = ['SESSION', 'STATE', 'MODEL', 'CONTEXT', 'TOKENS', 'STARTED'];
  const body = rows.map((r) => [
    r.session_id,
    r.execution_status.toLowerCase(),
    r.model ?? '-',
    r.context_percent === undefined ? '-' : `${r.context_percent}%`,
    r.tokens_used === undefined ? '-' : formatCount(r.tokens_used),
    r.start_time.replace('T', ' ').slice(0, 19),
  ]);
  return tableLines([header, ...body]).join('\n');
}

function oneLineCompaction(r: CompactionReport): string {
  if (r.status === 'failed') return `failed at ${r.time}: ${r.error ?? 'unknown error'}`;
  if (r.status === 'nothing_to_do') return `nothing to compact at ${r.time}`;
  return `${formatCount(r.tokens_before)} → ${formatCount(r.tokens_after)} tokens (×${r.compression_ratio}) at ${r.time}`;
}

export function formatCompaction(r: CompactionReport): string {
  if (r.status !== 'committed') return `Compaction ${r.number}: ${oneLineCompaction(r)}`;
  return [
    `Compaction ${r.number} (${r.mode}, ${r.trigger}): ${formatCount(r.tokens_before)} → ${formatCount(r.tokens_after)} tokens, ` +
      `${formatCount(r.tokens_freed)} freed (×${r.compression_ratio})`,
    ...(r.first_turn_after
      ? [
          `  first turn after it (turn ${r.first_turn_after.turn}): ${usd(r.first_turn_after.cost_usd)}, ` +
            `cache hit rate ${percent(r.first_turn_after.cache_hit_rate)}`,
        ]
      : []),
    `  kept ${r.kept} verbatim · summarized ${r.summarized} · dropped ${r.dropped} · ` +
      `${r.decisions_carried} decisions carried (${r.decisions_restored ?? 0} put back after the summary dropped them) · ` +
      `${r.summarizer_calls} summarizer call(s)`,
  ].join('\n');
}

export function formatCheckpoints(records: CheckpointRecord[]): string {
  if (records.length === 0) return 'No checkpoints yet.';
  const header = ['CHECKPOINT', 'NAME', 'REASON', 'TURNS', 'CONTEXT', 'EVENT', 'RUN', 'TIME'];
  const body = records.map((c) => [
    c.checkpoint_id,
    c.name,
    c.reason,
    String(c.turns),
    `${c.budget.position_percent}%`,
    String(c.event_id),
    c.run_id.slice(0, 8),
    c.time.replace('T', ' ').slice(0, 19),
  ]);
  return tableLines([header, ...body]).join('\n');
}

/** Variants side by side: fork, fill, tokens, cost and the start of each reply. */
export function formatExplore(r: ExploreResult): string {
  const header = ['VARIANT', 'FORK', 'CONTEXT', 'IN/OUT', 'COST', 'REPLY'];
  const body = r.variants.map((v) => [
    v.variant.length > 30 ? `${v.variant.slice(0, 29)}…` : v.variant,
    v.session_id,
    `${v.token_budget.position_percent}%`,
    `${formatCount(v.usage.input_tokens)}/${formatCount(v.usage.output_tokens)}`,
    usd(v.cost_usd),
    v.error ? `ERROR: ${v.error}` : v.reply.replace(/\s+/g, ' ').slice(0, 60),
  ]);
  const table = tableLines([header, ...body]);
  return [`Explored ${r.variants.length} variant(s) of ${r.parent_session_id}:`, ...table].join('\n');
}

import type { ExploreResult } from '../client/fork-session';
import type { MergeOutcome } from '../client/merge-session';
import type { SessionListEntry, SessionStatusWithLink, StartSessionResult } from '../client/sessions-client';
import type { TokenBudget } from '../domain/session';
import type { CompactionReport } from '../domain/session';
import { tableLines } from './text-table';
import type { CheckpointRecord, SendResult, SessionStatus } from '../domain/session';
import { formatCount } from '../domain/format';

const usd = (x: number) => `$${x.toFixed(4)}`;

/** `12,345 / 200,000 tokens (6.2%), 187,655 available` */
export function formatBudget(b: TokenBudget): string {
  return `${formatCount(b.used)} / ${formatCount(b.total)} tokens (${b.position_percent}%), ${formatCount(b.available)} available`;
}

export function formatStart(r: Omit<StartSessionResult, 'status'>): string {
  return [
    `Session ${r.session_id} started (${r.model}).`,
    `  context  ${formatBudget(r.token_budget)}`,
    `  ui       ${r.ui_url}`,
    `Send a message: baton session send ${r.session_id} "…"`,
  ].join('\n');
}

export function formatSend(r: SendResult): string {
  const u = r.usage;
  return [
    r.reply,
    '',
    `── turn ${r.turn} · ${formatCount(u.input_tokens)} in / ${formatCount(u.output_tokens)} out · ${usd(r.cost_usd)}` +
      ` · context ${formatBudget(r.token_budget)}`,
  ].join('\n');
}

export function formatStatus(s: SessionStatusWithLink | SessionStatus): string {
  const c = s.cumulative;
  const lines = [
    `Session ${s.session_id} · ${s.status} · ${s.model}`,
    `  context     ${formatCount(s.tokens_used)} / ${formatCount(s.context_window)} tokens (${s.position_percent}%), ${formatCount(s.tokens_available)} available`,
    `  cumulative  ${formatCount(c.input_tokens)} in / ${formatCount(c.output_tokens)} out / ${formatCount(c.cache_read_input_tokens)} cache read / ` +
      `${formatCount(c.cache_creation_input_tokens)} cache write · ${usd(c.cost_usd)}`,
    `  turns       ${s.turns} · last activity ${s.last_activity}`,
    `  run         ${s.run_id}${s.previous_runs.length ? ` (after ${s.previous_runs.length} earlier run(s))` : ''}`,
  ];
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
    `  kept ${r.kept} verbatim · summarized ${r.summarized} · dropped ${r.dropped} · ` +
      `${r.decisions_carried} decisions carried · ${r.summarizer_calls} summarizer call(s)`,
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

/** The lines `baton handoff …` prints: a chain's start, its status, its result, a decision taken. */
import type { HandoffRunResult, HandoffStarted, HandoffStatusWithLink } from '../client/handoffs-client';
import type { HandoffStatus } from '../domain/handoff';
import { formatCount } from '../domain/format';
import { tableLines } from './text-table';

/** A cost in dollars, to the hundredth of a cent. */
export const usd = (x: number) => `$${x.toFixed(4)}`;

/** The one line after retry, skip or abort: the state and the agent now at work. */
export function formatDecided(s: HandoffStatus): string {
  const at = s.current ? ` · at work: ${s.current.index}/${s.chain.length} ${s.current.agent}` : '';
  return `Handoff ${s.handoff_id} · ${s.state}${at}`;
}

/** The line a waiting handoff prints: what failed and the three commands that decide. */
export function failureLines(s: HandoffStatus): string[] {
  const f = s.failure;
  if (!f) return [];
  return [
    `✗ ${f.index}/${s.chain.length} ${f.agent} failed: ${f.error}`,
    `  decide by ${f.decide_by}: baton handoff retry ${s.spec_id} [--guidance "…"] | ` +
      `baton handoff skip ${s.spec_id} | baton handoff abort ${s.spec_id}`,
  ];
}

/** The lines `handoff run` prints first: the chain, its floor and the UI link. */
export function formatStarted(s: HandoffStarted): string {
  return [
    `Handoff ${s.handoff_id} started: ${s.chain.join(' → ')} (floor ${formatCount(s.min_tokens_available)} tokens)`,
    `  ui ${s.ui_url}`,
  ].join('\n');
}

function agentTable(s: HandoffStatus): string[] {
  const header = ['AGENT', 'SESSION', 'MODEL', 'TOKENS', 'COST', 'CACHE HIT', 'CONTEXT', 'FLOOR'];
  const body = s.agents.map((a) => [
    a.agent,
    a.session_id,
    a.model,
    formatCount(a.tokens),
    usd(a.cost_usd),
    a.cache ? `${(a.cache.hit_rate * 100).toFixed(1)}%` : '-',
    `${a.position_percent}%`,
    a.floor_compactions > 0 ? `compacted ${a.floor_compactions}×` : 'ok',
  ]);
  body.push([
    'total',
    '',
    '',
    formatCount(s.totals.tokens),
    usd(s.totals.cost_usd),
    '',
    '',
    `${s.totals.floor_compactions} compaction(s)`,
  ]);
  return tableLines([header, ...body]);
}

/** The workspace, the commit each agent left and the test runs. */
function workspaceLines(s: HandoffStatus): string[] {
  const ws = s.workspace;
  if (!ws) return [];
  return [
    `Workspace ${ws.path} (tests: ${ws.test_command})${ws.commit ? ` · at commit ${ws.commit.slice(0, 12)}` : ''}`,
    ...s.agents.flatMap((a) =>
      a.workspace
        ? [
            `  ${a.agent}: commit ${a.workspace.commit.slice(0, 12)} · ${a.workspace.files_changed.length} file(s) changed` +
              (a.workspace.tests ? ` · tests ${a.workspace.tests.passed ? 'passed' : 'failed'}` : ''),
          ]
        : [],
    ),
  ];
}

function outputLines(s: HandoffStatus): string[] {
  if (s.agents.length === 0) return [];
  return [
    'Outputs (in full with --json):',
    ...s.agents.map((a) => {
      const flat = a.output.replace(/\s+/g, ' ').trim();
      return `  ${a.agent}: ${flat.length > 100 ? `${flat.slice(0, 99)}…` : flat}`;
    }),
  ];
}

/** The chain, the packages, per-agent tokens and cost, the start of each output, the UI link. */
export function formatHandoffResult(r: HandoffRunResult): string {
  return [
    `Handoff ${r.handoff_id} ${r.state}: ${r.chain.join(' → ')}` +
      (r.skipped.length > 0 ? ` (skipped: ${r.skipped.map((x) => x.agent).join(', ')})` : ''),
    ...agentTable(r),
    `Packages: ${r.packages.length}, each validated before the next agent started` +
      (r.packages.length > 0 ? ` (${r.packages.map((p) => p.package_id).join(', ')})` : ''),
    ...workspaceLines(r),
    ...outputLines(r),
    `ui ${r.ui_url}`,
  ].join('\n');
}

/** A handoff's state, the agent at work or the failure, the agents so far, and the UI link. */
export function formatHandoffStatus(s: HandoffStatusWithLink): string {
  const lines = [
    `Handoff ${s.handoff_id} · ${s.state} (${s.execution_status.toLowerCase()}) · ${s.chain.join(' → ')}`,
  ];
  if (s.current)
    lines.push(
      `  at work: ${s.current.index}/${s.chain.length} ${s.current.agent} · session ${s.current.session_id}`,
    );
  if (s.error) lines.push(`  failed (${s.error.type}): ${s.error.message}`);
  lines.push(...failureLines(s).map((line) => `  ${line}`));
  if (s.agents.length > 0) lines.push(...agentTable(s));
  lines.push(`Packages: ${s.packages.length}`, ...workspaceLines(s), ...outputLines(s), `ui ${s.ui_url}`);
  return lines.join('\n');
}

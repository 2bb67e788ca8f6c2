import type { CumulativeUsage, TokenBudget } from './budget';

/**
 * The "current details" markdown the Temporal UI shows for a running session: a context bar,
 * tokens, cost and run count, so a glance at the UI tells how close the session is to rollover.
 */
export function renderSessionDetails(d: {
  turns: number;
  budget: TokenBudget;
  cumulative: CumulativeUsage;
  status: string;
  previous_runs: number;
  compactions?: number;
}): string {
  const width = 20;
  const filled = Math.min(width, Math.round((d.budget.position_percent / 100) * width));
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return [
    `**${d.status}** · turn ${d.turns} · run ${d.previous_runs + 1}` +
      (d.compactions ? ` · ${d.compactions} compaction${d.compactions === 1 ? '' : 's'}` : ''),
    `context \`${bar}\` ${d.budget.position_percent}% (${d.budget.used.toLocaleString('en-US')} / ${d.budget.total.toLocaleString('en-US')} tokens)`,
    `cumulative ${(d.cumulative.input_tokens + d.cumulative.output_tokens).toLocaleString('en-US')} tokens · $${d.cumulative.cost_usd.toFixed(4)}`,
  ].join('\n\n');
}

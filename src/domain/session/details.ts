import type { CumulativeUsage, TokenBudget } from './budget';
import { formatCount } from '../format';

/**
 * The "current details" markdown the Temporal UI shows for a running session, in two short lines
 * (the UI shows them in a frame about four lines tall): what the session is doing, and a context
 * bar with tokens and cost, so a glance tells how close it is to rollover.
 */
export function renderSessionDetails(d: {
  turns: number;
  budget: TokenBudget;
  cumulative: CumulativeUsage;
  status: string;
  previous_runs: number;
  compactions?: number;
  /** A command waiting for a person (the `ask` policy): it takes the first line. */
  waiting?: { session_id: string; command: string };
}): string {
  const lines = [sessionStatusLine(d), contextLine(d)];
  if (d.waiting) lines.unshift(permissionLine(d.waiting));
  return lines.join('\n\n');
}

/** `**waiting for permission** to run `npm test` · baton session allow <id>` */
export function permissionLine(w: { session_id: string; command: string }): string {
  const command = w.command.length > 80 ? `${w.command.slice(0, 79)}…` : w.command;
  return `**waiting for permission** to run \`${command.replace(/`/g, "'")}\` · \`baton session allow ${w.session_id}\` or \`deny\``;
}

/** `**available** · turn 12 · run 2 · 3 compactions` */
export function sessionStatusLine(d: {
  turns: number;
  status: string;
  previous_runs: number;
  compactions?: number;
}): string {
  return (
    `**${d.status}** · turn ${d.turns} · run ${d.previous_runs + 1}` +
    (d.compactions ? ` · ${d.compactions} compaction${d.compactions === 1 ? '' : 's'}` : '')
  );
}

/** `` `█████░░░░░░░░░░░░░░░` 25% · 50,000 / 200,000 tokens · $0.0105 `` */
export function contextLine(d: { budget: TokenBudget; cumulative: CumulativeUsage }): string {
  const width = 20;
  const filled = Math.min(width, Math.round((d.budget.position_percent / 100) * width));
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return (
    `\`${bar}\` ${d.budget.position_percent}% · ${formatCount(d.budget.used)} / ` +
    `${formatCount(d.budget.total)} tokens · $${d.cumulative.cost_usd.toFixed(4)}`
  );
}

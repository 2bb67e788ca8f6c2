import type { HandoffStatus } from './contract';
import { formatCount } from '../format';

/**
 * The "current details" markdown the Temporal UI shows for a handoff: one line per agent (done,
 * at work, waiting) with its session, tokens and cost, so a glance tells how far the chain got.
 * @example renderHandoffDetails(status) // "**running** · agent 2 of 3: tdd-implementer\n\n✓ spec-builder …"
 */
export function renderHandoffDetails(s: HandoffStatus): string {
  const head =
    s.state === 'running' && s.current
      ? `**running** · agent ${s.current.index} of ${s.chain.length}: ${s.current.agent}`
      : s.state === 'awaiting_decision' && s.failure
        ? `**awaiting decision** · agent ${s.failure.index} of ${s.chain.length} (${s.failure.agent}) failed`
        : `**${s.state}** · ${s.agents.length} of ${s.chain.length} agents done`;
  const lines = s.chain.map((name, i) => {
    const done = s.agents.find((a) => a.index === i + 1);
    if (done) {
      const floor = done.floor_compactions > 0 ? ` · compacted ${done.floor_compactions}× for the floor` : '';
      return `✓ ${name} · \`${done.session_id}\` · ${formatCount(done.tokens)} tokens · $${done.cost_usd.toFixed(4)}${floor}`;
    }
    if (s.skipped?.some((x) => x.index === i + 1)) return `⤼ ${name} · skipped after failing`;
    if (s.failure?.index === i + 1) return `✗ ${name} · \`${s.failure.session_id}\` · waiting for a decision`;
    if (s.current?.index === i + 1) return `▶ ${name} · \`${s.current.session_id}\``;
    return `· ${name}`;
  });
  const ws = s.workspace
    ? [
        `workspace \`${s.workspace.path}\`${s.workspace.commit ? ` · commit ${s.workspace.commit.slice(0, 12)}` : ''} · tests \`${s.workspace.test_command}\``,
      ]
    : [];
  const total = `total ${formatCount(s.totals.tokens)} tokens · $${s.totals.cost_usd.toFixed(4)}`;
  return [
    head,
    ...ws,
    lines.join('\n\n'),
    total,
    ...(s.error ? [`**${s.error.type}**: ${s.error.message}`] : []),
  ].join('\n\n');
}

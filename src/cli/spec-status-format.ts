import type { RunFailure } from '../client/run-failure';
import { formatCount } from '../domain/format';
import { specWorkflowId, type PendingApproval, type SpecStatus } from '../domain/spec';
import type { PermissionRequest } from '../domain/workspace';
import { gateRunsNote } from './spec-phase-format';
import { permissionLines, phaseWorkLines, specWorkspaceLine } from './workspace-format';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/**
 * One line per phase (status, attempts, tokens, cost, time), with its log, and with a workspace
 * its gate (the verdict and the last lines of the test output), the files it changed and its commit.
 */
export function formatSpecStatus(
  s: SpecStatus & { ui_url?: string; error?: RunFailure; pending_permission?: PermissionRequest },
): string {
  const lines = [
    `SPEC ${s.spec_id} · ${s.title} · ${s.status}${s.current_phase ? ` (phase ${s.current_phase})` : ''}`,
    ...(s.workspace ? [specWorkspaceLine(s.workspace)] : []),
    ...s.phases.flatMap((p) => [
      `  ${p.number}. ${p.name.padEnd(9)} ${p.status.padEnd(9)} attempts ${p.attempts}${gateRunsNote(p)} · ${formatCount(p.tokens)} tokens · ` +
        `$${p.cost_usd.toFixed(4)}${p.cache ? ` · cache ${percent(p.cache.hit_rate)} hit` : ''} · ` +
        `${(p.duration_ms / 1000).toFixed(1)}s${p.log.length ? `\n       ${p.log.join('\n       ')}` : ''}`,
      ...phaseWorkLines(p, '       '),
    ]),
    `  total     ${formatCount(s.tokens_used)} tokens · $${s.cost_usd.toFixed(4)} · context ${s.context.position_percent}%`,
    `  checkpoints ${s.checkpoints.join(', ') || '(none yet)'}`,
  ];
  if (s.failure) {
    lines.push(
      `  FAILED    phase ${s.failure.phase}: ${s.failure.error}`,
      `  decide by ${s.failure.decide_by}: baton spec retry ${s.spec_id} [--guidance "…"] | baton spec skip ${s.spec_id} | baton spec abort ${s.spec_id}`,
    );
  }
  if (s.pending_permission) lines.push(...permissionLines(specWorkflowId(s.spec_id), s.pending_permission));
  if (s.error) lines.push(`  RUN FAILED${s.error.type ? ` (${s.error.type})` : ''}: ${s.error.message}`);
  if (s.approval) lines.push(...formatPlanWaiting(s.spec_id, s.approval));
  if (s.ui_url) lines.push(`  ui        ${s.ui_url}`);
  return lines.join('\n');
}

/** The plan waiting for approval, and the three commands that answer it. */
function formatPlanWaiting(specId: string, approval: PendingApproval): string[] {
  return [
    `  PLAN      waiting for approval (decide by ${approval.decide_by}):`,
    ...approval.plan.split('\n').map((l) => `    ${l}`),
    `  choose    baton spec approve ${specId}                  implement this plan`,
    `            baton spec revise ${specId} --feedback "…"    run the analysis again with your feedback`,
    `            baton spec restart ${specId}                  implement it in a fresh conversation that starts with the plan`,
  ];
}

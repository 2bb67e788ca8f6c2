import type { BatonClient } from '../client/baton-client';
import type { SpecStatusWithLink } from '../client/specs-client';
import { specWorkflowId } from '../domain/spec';
import type { CliIO } from './cli-io';
import { formatPhaseOutcome, PhaseOutcomes, permissionLines } from './workspace-format';

/** How often the SPEC's status is read while it runs. */
const POLL_MS = 300;

/**
 * Follows a SPEC until it completes or waits for a decision (or a plan for approval), printing
 * each phase change, each phase's outcome and a command waiting for permission as the status shows
 * them; resolves to the last status.
 * @param json `true`: print nothing (the caller prints the result); `'events'`: one JSON object per
 * outcome on stdout (`spec run --json` while streaming).
 */
export async function followSpec(
  io: CliIO,
  baton: BatonClient,
  specId: string,
  json: boolean | 'events' | undefined,
): Promise<SpecStatusWithLink> {
  let last = '';
  const outcomes = new PhaseOutcomes();
  let askedShown: string | undefined;
  for (;;) {
    const status = await baton.specs.status(specId);
    // What each phase did (its gate, files, commit, cost) as soon as the status shows it.
    for (const outcome of outcomes.next(status)) {
      if (json === 'events') io.stdout(`${JSON.stringify(outcome)}\n`);
      else if (!json) io.stderr(`${formatPhaseOutcome(outcome, status.phases.length).join('\n')}\n`);
    }
    const asked = status.pending_permission;
    if (asked && asked.tool_use_id !== askedShown) {
      askedShown = asked.tool_use_id;
      if (json === 'events')
        io.stdout(`${JSON.stringify({ type: 'permission_requested', request: asked })}\n`);
      else if (!json)
        io.stderr(`[spec] ${permissionLines(specWorkflowId(status.spec_id), asked).join('\n').trim()}\n`);
    }
    const p = status.phases.find((x) => x.name === status.current_phase);
    // A new state, phase or attempt; what a phase did is in its outcome lines above.
    const line = `${status.status}:${status.current_phase ?? ''}:${p?.attempts ?? 0}`;
    if (line !== last && !json) {
      io.stderr(
        `[spec] ${status.status}${p ? ` · phase ${p.number}/${status.phases.length} ${p.name} (attempt ${p.attempts})` : ''}\n`,
      );
      last = line;
    }
    if (
      status.execution_status !== 'RUNNING' ||
      status.status === 'awaiting_decision' ||
      status.status === 'awaiting_approval'
    ) {
      return status;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * How the CLI shows a workspace: where it is and how its commands run (`session status`), a
 * command waiting for permission and the commands that answer it, and per SPEC phase the gate's
 * verdict, the last lines of the test output, the files changed and the commit.
 */
import type { HeldWorkspace, PermissionRequest, SandboxStatus } from '../domain/workspace';
import type { PhaseGate, PhaseRecord, SpecStatus } from '../domain/spec';
import { formatCount } from '../domain/format';
import { gateRunsNote } from './spec-phase-format';

/** Lines of test output shown under a gate (all of it is in `--json`). */
export const GATE_TAIL_LINES = 6;
/** Longest line of test output shown; longer ones are cut with an ellipsis. */
const TAIL_LINE_CHARS = 160;

const usd = (x: number) => `$${x.toFixed(4)}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const shortCommit = (commit: string) => commit.slice(0, 12);

/** `commands run in bubblewrap (bubblewrap 0.8.0)`, or what stops them. */
export function formatSandbox(s: SandboxStatus): string {
  switch (s.mode) {
    case 'bubblewrap':
      return `commands run in bubblewrap${s.detail ? ` (${s.detail})` : ''}`;
    case 'unsafe':
      return `commands run WITHOUT a sandbox (--unsafe-commands)${s.detail ? `: ${s.detail}` : ''}`;
    case 'unavailable':
      return `commands cannot run: ${s.detail}`;
  }
}

/** The session's workspace: folder, worker, sandbox, last checkpoint commit. */
export function workspaceLines(w: HeldWorkspace): string[] {
  return [
    `  workspace   ${w.path}`,
    `              worker ${w.worker} · ${formatSandbox(w.sandbox)}`,
    `              checkpoint ${w.checkpoint ? `commit ${shortCommit(w.checkpoint.commit)}` : 'none yet'}`,
  ];
}

/** A command waiting for permission, and the two commands that answer it. */
export function permissionLines(sessionId: string, p: PermissionRequest): string[] {
  return [
    `  WAITING     permission to run \`${p.command}\` (asked ${p.asked_at}: ${p.reason})`,
    `              allow: baton session allow ${sessionId}`,
    `              deny:  baton session deny ${sessionId} [--note "what to do instead"]`,
  ];
}

/** The last lines of a test run's output, each cut to a readable width. */
export function outputTailLines(tail: string, count = GATE_TAIL_LINES): string[] {
  const lines = tail.replace(/\s+$/, '').split('\n');
  return lines
    .slice(-count)
    .map((line) => (line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS - 1)}…` : line));
}

/**
 * The gate in one line (`tests must fail · ok · \`npm test\` exit 1 · 0.4s`), then the last lines
 * of the test output, each under `indent`.
 */
export function gateLines(gate: PhaseGate, indent: string): string[] {
  const v = gate.verification;
  const exit = v.timed_out ? 'killed at its time limit' : `exit ${String(v.exit_code)}`;
  return [
    `${indent}gate     tests must ${gate.expect} · ${gate.ok ? 'ok' : 'NOT MET'} · \`${v.command}\` ${exit} · ${seconds(v.duration_ms)}`,
    `${indent}         ${gate.reason}`,
    ...outputTailLines(v.output_tail).map((line) => `${indent}         │ ${line}`),
  ];
}

/** What a phase changed: its files and its commit. */
export function changeLine(phase: PhaseRecord, indent: string): string | undefined {
  if (phase.files_changed === undefined && phase.commit === undefined) return undefined;
  const files = phase.files_changed ?? [];
  const shown =
    files.length === 0
      ? 'no files changed'
      : `${files.length} file${files.length === 1 ? '' : 's'} changed: ${files.slice(0, 8).join(', ')}${files.length > 8 ? `, and ${files.length - 8} more` : ''}`;
  return `${indent}changed  ${shown}${phase.commit ? ` · commit ${shortCommit(phase.commit)}` : ''}`;
}

/** A phase's gate and changes, under its line in `spec status`. */
export function phaseWorkLines(phase: PhaseRecord, indent: string): string[] {
  const change = changeLine(phase, indent);
  return [...(phase.gate ? gateLines(phase.gate, indent) : []), ...(change ? [change] : [])];
}

/** The SPEC's workspace in one line: folder, test command, worker, commit. */
export function specWorkspaceLine(w: NonNullable<SpecStatus['workspace']>): string {
  return (
    `  workspace ${w.path} · tests \`${w.test_command}\`` +
    (w.worker ? ` · worker ${w.worker}` : '') +
    (w.commit ? ` · commit ${shortCommit(w.commit)}` : '')
  );
}

/** One thing `spec run` reports as it happens: a phase that ended, or a gate an attempt did not pass. */
export type PhaseOutcome =
  { type: 'phase_outcome'; phase: PhaseRecord } | { type: 'gate_failed'; phase: PhaseRecord };

/**
 * Picks out, from successive statuses of a SPEC, the outcomes not reported yet: each phase that
 * completed, failed or was skipped (once per attempt), and each failed gate of an attempt that
 * goes back to the model, however coarsely the status is polled.
 */
export class PhaseOutcomes {
  private readonly reported = new Set<string>();

  next(status: SpecStatus): PhaseOutcome[] {
    const out: PhaseOutcome[] = [];
    for (const phase of status.phases) {
      const gate = phase.gate;
      if (gate && !gate.ok && phase.status === 'running') {
        // Each gate run adds a line to the phase's log, so its length names the run.
        const key = `gate:${phase.name}:${phase.attempts}:${phase.log.length}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          out.push({ type: 'gate_failed', phase });
        }
      }
      // With a workspace a phase is done once its files are committed (a moment after it completes).
      const committing =
        phase.status === 'completed' && status.workspace !== undefined && phase.commit === undefined;
      if (
        !committing &&
        (phase.status === 'completed' || phase.status === 'failed' || phase.status === 'skipped')
      ) {
        const key = `phase:${phase.name}:${phase.attempts}:${phase.status}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          out.push({ type: 'phase_outcome', phase });
        }
      }
    }
    return out;
  }
}

/** An outcome as `spec run` prints it: a headline, then the gate and the changes. */
export function formatPhaseOutcome(outcome: PhaseOutcome, phaseCount: number): string[] {
  const p = outcome.phase;
  const indent = '         ';
  if (outcome.type === 'gate_failed') {
    return [
      `[spec] ✗ phase ${p.number}/${phaseCount} ${p.name}: the gate was not met; the output goes back to the model`,
      ...(p.gate ? gateLines(p.gate, indent) : []),
    ];
  }
  const mark = p.status === 'completed' ? '✓' : p.status === 'skipped' ? '–' : '✗';
  return [
    `[spec] ${mark} phase ${p.number}/${phaseCount} ${p.name} ${p.status} · attempts ${p.attempts}${gateRunsNote(p)} · ` +
      `${formatCount(p.tokens)} tokens · ${usd(p.cost_usd)} · ${seconds(p.duration_ms)}` +
      (p.status === 'failed' && p.error ? `: ${p.error}` : ''),
    ...phaseWorkLines(p, indent),
  ];
}

/**
 * A SPEC run's own progress (beside its session's state): the phase records, where it is, and a
 * pending decision. Carried across continue-as-new, so a SPEC that rolls over mid-way goes on
 * from the phase it reached. Pure and workflow-safe.
 */
import type { Decision, PhaseRecord, SpecProgress } from './contract';
import { phaseNumber, SPEC_PHASES } from './phases';

export function initialSpecProgress(): SpecProgress {
  return {
    status: 'running',
    current: null,
    checkpoints: [],
    phases: SPEC_PHASES.map((name) => ({
      name,
      number: phaseNumber(name),
      status: 'pending',
      attempts: 0,
      tokens: 0,
      cost_usd: 0,
      duration_ms: 0,
      log: [],
    })),
  };
}

/** The phases still to run, in order (a carried run starts at the first unfinished one). */
export function remainingPhases(p: SpecProgress): PhaseRecord[] {
  return p.phases.filter((phase) => phase.status !== 'completed' && phase.status !== 'skipped');
}

/**
 * The `BatonPhase` search attribute: the phase at work, `awaiting_decision` while a failed phase
 * waits for a person, otherwise the SPEC's status (so documented UI queries find it).
 */
export function specPhaseAttribute(p: SpecProgress): string {
  if (p.status === 'awaiting_decision') return 'awaiting_decision';
  return p.status === 'running' && p.current ? p.current : p.status;
}

/** The SPEC's header line in the Temporal UI's current details. */
export function specHeader(specId: string, p: SpecProgress): string {
  const done = p.phases.filter((x) => x.status === 'completed' || x.status === 'skipped').length;
  // "of", not "/": the UI's markdown turns 1/4 into a fraction glyph.
  const where = p.current ? `phase ${phaseNumber(p.current)} of 4 (**${p.current}**)` : `**${p.status}**`;
  const state = p.status === 'running' || !p.current ? '' : ` · ${p.status}`;
  return `**SPEC ${specId}** · ${where}${state} · ${done} of 4 phases done`;
}

/**
 * Why a decision must be refused, or undefined: only a run waiting for one takes it, and
 * guidance is bounded text. `what` names the thing that failed (`phase` or `agent`).
 */
export function decisionProblem(
  kind: Decision['kind'],
  guidance: unknown,
  run: { id: string; label: string; status: string; current: string | null; what: string },
): string | undefined {
  if (run.status !== 'awaiting_decision') {
    return (
      `${run.label} ${run.id} is not waiting for a decision (it is ${run.status}` +
      `${run.current ? `, ${run.what} ${run.current}` : ''}); ${kind} applies only after a ${run.what} failed.`
    );
  }
  if (
    kind === 'retry' &&
    guidance !== undefined &&
    (typeof guidance !== 'string' || guidance.length > 4_000)
  ) {
    return 'Guidance must be text of at most 4,000 characters.';
  }
  return undefined;
}

/**
 * The four phases of a SPEC implementation and what the model is asked in each. Pure: the
 * workflow builds each phase's message from these.
 */
import type { SpecDefinition } from './definition';

export const SPEC_PHASES = ['analysis', 'red', 'green', 'refactor'] as const;
export type SpecPhaseName = (typeof SPEC_PHASES)[number];

const INSTRUCTIONS: Record<SpecPhaseName, { title: string; ask: string }> = {
  analysis: {
    title: 'ANALYSIS (requirements analysis)',
    ask:
      'Analyse the SPEC. For each requirement list its acceptance tests, edge cases and open questions, ' +
      'then give a short implementation plan. Record each design decision on a line starting with "Decision:".',
  },
  red: {
    title: 'RED (tests first)',
    ask:
      'Write the failing tests first: a test plan covering every requirement and acceptance criterion, ' +
      'then the test code. Do not write the implementation yet.',
  },
  green: {
    title: 'GREEN (implementation)',
    ask: 'Write the minimal implementation that makes every test from the RED phase pass. Explain each file briefly.',
  },
  refactor: {
    title: 'REFACTOR',
    ask:
      'Refactor the implementation for clarity and maintainability without changing behaviour; the tests must ' +
      'still pass. List the refactor notes.',
  },
};

/** The system prompt of a SPEC's session. */
export const SPEC_SYSTEM_PROMPT =
  'You are a senior engineer implementing a SPEC with test-driven development: requirements analysis, ' +
  'RED (failing tests first), GREEN (minimal implementation), then refactor. Be concrete and complete.';

/** Number (1-based) of a phase. */
export function phaseNumber(phase: SpecPhaseName): number {
  return SPEC_PHASES.indexOf(phase) + 1;
}

/** Checkpoint name at the start or completion of a phase, e.g. `phase_3_green_start`. */
export function phaseCheckpointName(phase: SpecPhaseName, at: 'start' | 'complete'): string {
  return `phase_${phaseNumber(phase)}_${phase}_${at}`;
}

/** The message that drives a phase, with the user's guidance when a failed phase is retried. */
export function phaseMessage(spec: SpecDefinition, phase: SpecPhaseName, guidance?: string): string {
  const i = INSTRUCTIONS[phase];
  const lines = [`SPEC ${spec.spec_id} · phase ${phaseNumber(phase)}/4 ${i.title} · ${spec.title}`, i.ask];
  if (guidance) lines.push(`Guidance for this attempt: ${guidance}`);
  return lines.join('\n\n');
}

/** Parses `--from-phase` values (`green`, `3`, `GREEN`). */
export function parsePhaseName(value: string): SpecPhaseName | undefined {
  const v = value.trim().toLowerCase();
  const byNumber = Number(v);
  if (Number.isInteger(byNumber) && byNumber >= 1 && byNumber <= 4) return SPEC_PHASES[byNumber - 1];
  return (SPEC_PHASES as readonly string[]).includes(v) ? (v as SpecPhaseName) : undefined;
}

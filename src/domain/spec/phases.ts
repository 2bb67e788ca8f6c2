/**
 * The four phases of a SPEC implementation and what the model is asked in each. Pure: the
 * workflow builds each phase's message from these.
 */
import type { SpecDefinition } from './definition';
import type { GateExpectation, VerificationResult } from '../workspace';

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

/** What each phase does in a workspace: the files it changes and the gate it must pass. */
const WORKSPACE_INSTRUCTIONS: Record<SpecPhaseName, string> = {
  analysis:
    'Read the workspace first (view its files, run commands to explore). Do not change any file in this phase.',
  red:
    'Write the tests in the workspace with the text editor tool, and run them with the bash tool. ' +
    'Do not write the implementation. This phase passes only if the test command FAILS when you are done.',
  green:
    'Write the implementation in the workspace with the text editor tool until the tests pass; run them ' +
    'with the bash tool. Do not weaken the tests. This phase passes only if the test command PASSES.',
  refactor:
    'Refactor in the workspace with the text editor tool and run the tests with the bash tool. This phase ' +
    'passes only if the test command still PASSES.',
};

/** The heading every message of a phase starts with (offline scripts match it). */
function phaseHeading(spec: SpecDefinition, phase: SpecPhaseName): string {
  return `SPEC ${spec.spec_id} · phase ${phaseNumber(phase)}/4 ${INSTRUCTIONS[phase].title} · ${spec.title}`;
}

/** What a person said about the plan, for the phase's message (see {@link phaseMessage}). */
export interface PlanContext {
  /** A revise: the plan that was not approved, and the person's feedback on it. */
  revise?: { plan: string; feedback: string };
  /** A restart: the approved plan, carried into a fresh conversation. */
  plan?: string;
}

/**
 * The message that drives a phase, with the user's guidance when a failed phase is retried. With
 * a workspace, the model is told to change the files with its tools and which gate applies. What
 * a person said about the plan goes with it too: an analysis asked to revise sees the old plan and
 * the feedback; the first phase after a restart gets the approved plan (after the heading, so the
 * message names its own phase before any quoted plan does).
 */
export function phaseMessage(
  spec: SpecDefinition,
  phase: SpecPhaseName,
  guidance?: string,
  workspace?: { test_command: string },
  plan: PlanContext = {},
): string {
  const lines = [phaseHeading(spec, phase)];
  if (plan.plan) {
    lines.push(`The approved plan (from the analysis, carried into this fresh session):\n${plan.plan}`);
  }
  lines.push(INSTRUCTIONS[phase].ask);
  if (workspace) {
    lines.push(`${WORKSPACE_INSTRUCTIONS[phase]} The test command is \`${workspace.test_command}\`.`);
  }
  if (plan.revise) {
    lines.push(
      `Your previous plan was not approved:\n${plan.revise.plan}`,
      `Revise it with this feedback: ${plan.revise.feedback}`,
    );
  }
  if (guidance) lines.push(`Guidance for this attempt: ${guidance}`);
  return lines.join('\n\n');
}

/** What a phase's gate expects of the test command: RED fails, GREEN and refactor pass. */
export function phaseGateExpectation(phase: SpecPhaseName): GateExpectation | undefined {
  return phase === 'analysis' ? undefined : phase === 'red' ? 'fail' : 'pass';
}

/** The message that sends a failed gate back to the model, with the test run's output. */
export function gateFeedbackMessage(
  spec: SpecDefinition,
  phase: SpecPhaseName,
  gate: { reason: string; verification: VerificationResult },
  attempt: { next: number; max: number },
): string {
  return [
    phaseHeading(spec, phase),
    `The gate failed: ${gate.reason}`,
    `Output of \`${gate.verification.command}\` (exit ${String(gate.verification.exit_code)}, last lines):\n${gate.verification.output_tail}`,
    `Fix it in the workspace (attempt ${attempt.next} of ${attempt.max}).`,
  ].join('\n\n');
}

/** The message that asks the model to go on with a reply cut off at its output limit. */
export function continuationMessage(spec: SpecDefinition, phase: SpecPhaseName): string {
  return `${phaseHeading(spec, phase)}\n\nYour reply was cut off at the output limit. Continue exactly where you stopped.`;
}

/** Parses `--from-phase` values (`green`, `3`, `GREEN`). */
export function parsePhaseName(value: string): SpecPhaseName | undefined {
  const v = value.trim().toLowerCase();
  const byNumber = Number(v);
  if (Number.isInteger(byNumber) && byNumber >= 1 && byNumber <= 4) return SPEC_PHASES[byNumber - 1];
  return (SPEC_PHASES as readonly string[]).includes(v) ? (v as SpecPhaseName) : undefined;
}

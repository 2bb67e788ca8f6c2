/**
 * The plan approval after analysis (`approve`): the plan that waits, the checks on a person's
 * answer, what the next phase's message carries, and what the Temporal UI shows. Pure and
 * workflow-safe; the workflow and the client both use the checks.
 */
import type { PendingApproval, SpecProgress } from './contract';
import type { PlanContext, SpecPhaseName } from './phases';

/** The answers a waiting plan takes, in the order they are offered. */
export const PLAN_CHOICES: readonly PendingApproval['choices'][number][] = ['implement', 'revise', 'restart'];

/** Longest feedback a revise takes (it goes into the analysis message). */
export const MAX_FEEDBACK_CHARS = 4_000;

/** The approval a plan waits for, to be decided within `timeoutMs` of `nowMs`. */
export function pendingApproval(plan: string, nowMs: number, timeoutMs: number): PendingApproval {
  return { plan, choices: [...PLAN_CHOICES], decide_by: new Date(nowMs + timeoutMs).toISOString() };
}

/** True when the plan still needs a person's answer before the SPEC goes on to RED. */
export function planNeedsApproval(p: SpecProgress, approve: boolean | undefined): boolean {
  return approve === true && p.approved !== true && p.phases[0]?.status === 'completed';
}

/**
 * Why feedback for a revise is unusable, or undefined: it must be text that says something, and
 * short enough to go into a message.
 */
export function feedbackProblem(feedback: unknown): string | undefined {
  if (typeof feedback !== 'string' || feedback.trim() === '') {
    return 'Feedback must say what the plan should change (non-empty text).';
  }
  if (feedback.length > MAX_FEEDBACK_CHARS) {
    return `Feedback must be at most 4,000 characters, got ${feedback.length.toLocaleString('en-US')}.`;
  }
  return undefined;
}

/**
 * Why a plan decision must be refused, or undefined: only a SPEC whose plan waits takes one, and
 * it must be implement, restart, or revise with usable feedback.
 */
export function planDecisionProblem(
  decision: unknown,
  run: { id: string; status: string; current: string | null },
): string | undefined {
  const kind = (decision as { kind?: unknown } | null | undefined)?.kind;
  if (typeof kind !== 'string' || !(PLAN_CHOICES as readonly string[]).includes(kind)) {
    return `A plan decision is one of ${PLAN_CHOICES.join(', ')}, got ${JSON.stringify(kind ?? decision)}.`;
  }
  if (run.status !== 'awaiting_approval') {
    return (
      `SPEC ${run.id} is not waiting for plan approval (it is ${run.status}` +
      `${run.current ? `, phase ${run.current}` : ''}); ${kind} applies only to a plan waiting after ` +
      'analysis, in a SPEC run with --approve.'
    );
  }
  if (kind === 'revise') return feedbackProblem((decision as { feedback?: unknown }).feedback);
  return undefined;
}

/**
 * What a phase's message carries from the plan decisions: a revised analysis sees the plan it
 * replaces and the feedback; after a restart, the next phase to complete gets the approved plan.
 */
export function planContext(p: SpecProgress, phase: SpecPhaseName): PlanContext {
  if (phase === 'analysis') {
    const previous = p.phases[0]?.output;
    return p.feedback && previous ? { revise: { plan: previous, feedback: p.feedback } } : {};
  }
  return p.restart_plan ? { plan: p.restart_plan } : {};
}

/** The lines the Temporal UI's current details add while a plan waits. */
export function approvalDetails(specId: string, approval: PendingApproval): string {
  const firstLines = approval.plan.split('\n').slice(0, 6).join('\n');
  const more = approval.plan.length > firstLines.length ? '\n…' : '';
  return [
    `**The plan waits for approval** (decide by ${approval.decide_by}): ` +
      `\`baton spec approve ${specId}\` · \`baton spec revise ${specId} --feedback "…"\` · ` +
      `\`baton spec restart ${specId}\``,
    `${firstLines}${more}`,
  ].join('\n\n');
}

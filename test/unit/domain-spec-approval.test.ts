import { describe, expect, it } from 'vitest';
import {
  approvalDetails,
  feedbackProblem,
  initialSpecProgress,
  pendingApproval,
  phaseMessage,
  planContext,
  planDecisionProblem,
  planNeedsApproval,
  specPhaseAttribute,
  type SpecDefinition,
} from '../../src/domain/spec';

const spec: SpecDefinition = {
  spec_id: 'SPEC-7',
  title: 'Login',
  requirements: ['login'],
  acceptance_criteria: [],
};
const waiting = { id: 'SPEC-7', status: 'awaiting_approval', current: 'analysis' };

describe('plan approval', () => {
  it('offers the plan with its three choices until a deadline', () => {
    const a = pendingApproval('1. write tests', Date.parse('2026-01-01T00:00:00Z'), 60_000);
    expect(a).toEqual({
      plan: '1. write tests',
      choices: ['implement', 'revise', 'restart'],
      decide_by: '2026-01-01T00:01:00.000Z',
    });
  });

  it('asks only with approve, once analysis completed, and not again once approved', () => {
    const p = initialSpecProgress();
    expect(planNeedsApproval(p, true)).toBe(false);
    p.phases[0]!.status = 'completed';
    expect(planNeedsApproval(p, undefined)).toBe(false);
    expect(planNeedsApproval(p, true)).toBe(true);
    p.approved = true;
    expect(planNeedsApproval(p, true)).toBe(false);
    p.approved = false;
    p.phases[0]!.status = 'skipped';
    expect(planNeedsApproval(p, true)).toBe(false);
  });

  it('publishes awaiting_approval as the phase attribute while the plan waits', () => {
    const p = initialSpecProgress();
    p.status = 'awaiting_approval';
    p.current = 'analysis';
    expect(specPhaseAttribute(p)).toBe('awaiting_approval');
  });

  it('refuses a decision when no plan waits, naming where the SPEC is', () => {
    expect(
      planDecisionProblem({ kind: 'implement' }, { id: 'SPEC-7', status: 'running', current: 'green' }),
    ).toBe(
      'SPEC SPEC-7 is not waiting for plan approval (it is running, phase green); implement applies only ' +
        'to a plan waiting after analysis, in a SPEC run with --approve.',
    );
    expect(planDecisionProblem({ kind: 'restart' }, waiting)).toBeUndefined();
    expect(planDecisionProblem({ kind: 'implement' }, waiting)).toBeUndefined();
    expect(planDecisionProblem({ kind: 'revise', feedback: 'add rate limits' }, waiting)).toBeUndefined();
  });

  it('refuses unknown decisions and empty or oversized feedback', () => {
    expect(planDecisionProblem({ kind: 'ship' }, waiting)).toBe(
      'A plan decision is one of implement, revise, restart, got "ship".',
    );
    expect(planDecisionProblem(undefined, waiting)).toMatch(/one of implement, revise, restart/);
    expect(planDecisionProblem({ kind: 'revise', feedback: '  ' }, waiting)).toBe(
      'Feedback must say what the plan should change (non-empty text).',
    );
    expect(planDecisionProblem({ kind: 'revise' }, waiting)).toMatch(/non-empty text/);
    expect(feedbackProblem('x'.repeat(4_001))).toBe('Feedback must be at most 4,000 characters, got 4,001.');
    expect(feedbackProblem('x'.repeat(4_000))).toBeUndefined();
  });

  it('carries the old plan and the feedback into a revised analysis', () => {
    const p = initialSpecProgress();
    p.phases[0]!.output = 'PLAN A';
    expect(planContext(p, 'analysis')).toEqual({});
    p.feedback = 'split the login form';
    const context = planContext(p, 'analysis');
    expect(context).toEqual({ revise: { plan: 'PLAN A', feedback: 'split the login form' } });
    const message = phaseMessage(spec, 'analysis', undefined, undefined, context);
    expect(message.split('\n')[0]).toBe('SPEC SPEC-7 · phase 1/4 ANALYSIS (requirements analysis) · Login');
    expect(message).toContain('Your previous plan was not approved:\nPLAN A');
    expect(message).toContain('Revise it with this feedback: split the login form');
    // The feedback is for the analysis only.
    expect(planContext(p, 'red')).toEqual({});
  });

  it("carries a restart's plan into the next phase's message, after its header line", () => {
    const p = initialSpecProgress();
    p.restart_plan = 'PLAN B';
    expect(planContext(p, 'analysis')).toEqual({});
    const message = phaseMessage(spec, 'red', 'be brief', undefined, planContext(p, 'red'));
    expect(message).toBe(
      [
        'SPEC SPEC-7 · phase 2/4 RED (tests first) · Login',
        'The approved plan (from the analysis, carried into this fresh session):\nPLAN B',
        'Write the failing tests first: a test plan covering every requirement and acceptance criterion, ' +
          'then the test code. Do not write the implementation yet.',
        'Guidance for this attempt: be brief',
      ].join('\n\n'),
    );
  });

  it('keeps a phase message without plan decisions as it was', () => {
    expect(phaseMessage(spec, 'green', undefined, undefined, {})).toBe(phaseMessage(spec, 'green'));
  });

  it('shows the waiting plan and the three commands in the UI', () => {
    const plan = Array.from({ length: 8 }, (_, i) => `step ${i + 1}`).join('\n');
    const details = approvalDetails('SPEC-7', pendingApproval(plan, 0, 1_000));
    expect(details).toContain('**The plan waits for approval** (decide by 1970-01-01T00:00:01.000Z)');
    expect(details).toContain('`baton spec approve SPEC-7`');
    expect(details).toContain('`baton spec revise SPEC-7 --feedback "…"`');
    expect(details).toContain('`baton spec restart SPEC-7`');
    expect(details).toContain('step 6\n…');
    expect(details).not.toContain('step 7');
  });
});

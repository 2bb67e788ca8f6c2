import { describe, expect, it } from 'vitest';
import {
  decisionProblem,
  initialSpecProgress,
  remainingPhases,
  specHeader,
  specPhaseAttribute,
} from '../../src/domain/spec';

describe('SPEC progress', () => {
  it('starts with four pending phases and resumes at the first unfinished one', () => {
    const p = initialSpecProgress();
    expect(remainingPhases(p).map((x) => x.name)).toEqual(['analysis', 'red', 'green', 'refactor']);
    p.phases[0]!.status = 'completed';
    p.phases[1]!.status = 'skipped';
    p.phases[2]!.status = 'failed';
    expect(remainingPhases(p).map((x) => x.name)).toEqual(['green', 'refactor']);
  });

  it('publishes awaiting_decision while a failed phase waits, the phase at work otherwise', () => {
    const p = initialSpecProgress();
    expect(specPhaseAttribute(p)).toBe('running');
    p.current = 'green';
    expect(specPhaseAttribute(p)).toBe('green');
    p.status = 'awaiting_decision';
    expect(specPhaseAttribute(p)).toBe('awaiting_decision');
    p.status = 'completed';
    p.current = null;
    expect(specPhaseAttribute(p)).toBe('completed');
  });

  it('heads the UI details with the phase and how many are done, without a fraction slash', () => {
    const p = initialSpecProgress();
    p.phases[0]!.status = 'completed';
    p.current = 'red';
    expect(specHeader('SPEC-1', p)).toBe('**SPEC SPEC-1** · phase 2 of 4 (**red**) · 1 of 4 phases done');
  });

  it('refuses a decision unless one is awaited, and bounds the guidance', () => {
    const run = { id: 'SPEC-1', label: 'SPEC', status: 'running', current: 'green', what: 'phase' };
    expect(decisionProblem('skip', undefined, run)).toBe(
      'SPEC SPEC-1 is not waiting for a decision (it is running, phase green); skip applies only after a phase failed.',
    );
    const waiting = { ...run, status: 'awaiting_decision' };
    expect(decisionProblem('retry', 'keep it small', waiting)).toBeUndefined();
    expect(decisionProblem('retry', 'x'.repeat(4_001), waiting)).toMatch(/at most 4,000 characters/);
    expect(decisionProblem('retry', 42, waiting)).toMatch(/Guidance must be text/);
    expect(decisionProblem('abort', undefined, waiting)).toBeUndefined();
  });
});

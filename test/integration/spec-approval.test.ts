import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { decidePlanUpdate, type SpecDefinition, type SpecStatus } from '../../src/domain/spec';
import { BATON_PHASE } from '../../src/domain/visibility';
import { InvalidInputError, SpecFailedError } from '../../src/client';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const spec = (spec_id: string): SpecDefinition => ({
  spec_id,
  title: 'Password reset',
  requirements: ['request a reset link', 'the link expires after an hour'],
  acceptance_criteria: ['an expired link is refused'],
});

/**
 * The offline model's requests for one phase of a SPEC, oldest first: the phase its message's
 * header names (the first mention of a phase; a carried plan quoted later names analysis).
 */
function phaseRequests(specId: string, phase: number) {
  const header = new RegExp(`SPEC ${specId} · phase (\\d)/4`);
  return env.model.requests.filter(
    (r) => r.path === '/v1/messages' && header.exec(r.last_user_text)?.[1] === String(phase),
  );
}

/** Waits until the SPEC's plan waits for a decision, after `analyses` analysis attempts. */
function waitForPlan(specId: string, analyses = 1): Promise<SpecStatus> {
  return waitUntil(
    () => env.baton.specs.status(specId),
    (s) => s.status === 'awaiting_approval' && s.phases[0]!.attempts === analyses,
    { what: `the plan of ${specId} waiting (after ${analyses} analyses)` },
  );
}

describe('plan approval after analysis (--approve)', () => {
  it('shows the plan and waits; approve goes on to RED in the same conversation', async () => {
    const specId = uniqueId('SPEC-APPROVE');
    await env.baton.specs.start(spec(specId), { approve: true });
    const waiting = await waitForPlan(specId);
    expect(waiting.approval).toMatchObject({
      plan: waiting.phases[0]!.output,
      choices: ['implement', 'revise', 'restart'],
    });
    expect(waiting.approval!.plan).toContain(`phase 1/4`);
    expect(Date.parse(waiting.approval!.decide_by)).toBeGreaterThan(Date.now());
    expect(waiting.phases.map((p) => p.status)).toEqual(['completed', 'pending', 'pending', 'pending']);
    // Visible in the UI: the phase attribute and the current details say the plan waits.
    const handle = env.baton.temporal.workflow.getHandle(`spec-${specId}`);
    expect((await handle.describe()).typedSearchAttributes.get(BATON_PHASE)).toBe('awaiting_approval');
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('**The plan waits for approval**');
    expect(metadata.currentDetails).toContain(`baton spec approve ${specId}`);
    // Nothing of RED was asked while the plan waited.
    expect(phaseRequests(specId, 2)).toHaveLength(0);

    const approved = await env.baton.specs.approve(specId);
    expect(approved.status).toBe('running');
    expect(approved.approval).toBeUndefined();
    expect(approved.ui_url).toContain(`/workflows/spec-${specId}`);
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => [p.name, p.status, p.attempts])).toEqual([
      ['analysis', 'completed', 1],
      ['red', 'completed', 1],
      ['green', 'completed', 1],
      ['refactor', 'completed', 1],
    ]);
    expect(result.phases[0]!.log).toContain('plan approved');
    // RED continued the analysis' conversation: its request holds the analysis exchange too.
    const [analysis] = phaseRequests(specId, 1);
    const [red] = phaseRequests(specId, 2);
    expect(red!.message_count).toBe(analysis!.message_count + 2);
    expect(red!.last_user_text).not.toContain('approved plan');
  });

  it('revise runs the analysis again with the old plan and the feedback, then the new plan waits', async () => {
    const specId = uniqueId('SPEC-REVISE');
    await env.baton.specs.start(spec(specId), { approve: true });
    const first = await waitForPlan(specId);
    const revised = await env.baton.specs.revise(specId, 'cover rate limiting of reset requests');
    expect(revised.status).not.toBe('awaiting_approval');

    const second = await waitForPlan(specId, 2);
    const [, again] = phaseRequests(specId, 1);
    const [initial] = phaseRequests(specId, 1);
    // From the analysis' start checkpoint: the task and the new message, not the old exchange.
    expect(again!.message_count).toBe(initial!.message_count);
    expect(again!.last_user_text).toContain(`Your previous plan was not approved:\n${first.approval!.plan}`);
    expect(again!.last_user_text).toContain(
      'Revise it with this feedback: cover rate limiting of reset requests',
    );
    expect(second.approval!.plan).not.toBe(first.approval!.plan);
    expect(second.approval!.plan).toBe(second.phases[0]!.output);
    expect(second.phases[0]!.log).toContain(
      'plan revised with feedback: cover rate limiting of reset requests',
    );
    expect(phaseRequests(specId, 2)).toHaveLength(0);

    await env.baton.specs.approve(specId);
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.attempts)).toEqual([2, 1, 1, 1]);
    expect(phaseRequests(specId, 1)).toHaveLength(2);
  });

  it('restart carries the plan into a fresh conversation: RED sees the task and the plan only', async () => {
    const specId = uniqueId('SPEC-RESTART');
    // RED fails once after the restart, so its retry shows the plan outlives a restore too.
    env.model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specId} · phase 2/4` }]);
    await env.baton.specs.start(spec(specId), { approve: true });
    const waiting = await waitForPlan(specId);
    const plan = waiting.approval!.plan;
    await env.baton.specs.restart(specId);
    await waitUntil(
      () => env.baton.specs.status(specId),
      (s) => s.status === 'awaiting_decision',
      { what: `RED of ${specId} waiting for a decision` },
    );
    await env.baton.specs.retry(specId);
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.phases[0]!.log).toContain(
      'plan approved; implementing it in a fresh conversation that starts with the plan',
    );

    const [analysis] = phaseRequests(specId, 1);
    const reds = phaseRequests(specId, 2);
    expect(reds).toHaveLength(2);
    for (const red of reds) {
      // The task and RED's message: the analysis exchange is gone, the plan is in the message.
      expect(red.message_count).toBe(analysis!.message_count);
      expect(red.last_user_text).toContain(
        `The approved plan (from the analysis, carried into this fresh session):\n${plan}`,
      );
    }
    // GREEN follows RED in the fresh conversation, whose RED message holds the plan.
    const [green] = phaseRequests(specId, 3);
    expect(green!.message_count).toBe(analysis!.message_count + 2);
    expect(green!.last_user_text).not.toContain('approved plan');
  });

  it('refuses a decision when no plan waits, and bad feedback, leaving the plan waiting', async () => {
    const specId = uniqueId('SPEC-NOPLAN');
    await expect(
      env.baton.specs.start(spec(specId), { approve: 'yes' as unknown as boolean }),
    ).rejects.toThrow('approve must be true or false, got "yes".');
    env.model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specId} · phase 1/4` }]);
    await env.baton.specs.start(spec(specId), { approve: true });
    await waitUntil(
      () => env.baton.specs.status(specId),
      (s) => s.status === 'awaiting_decision',
      { what: `analysis of ${specId} failing` },
    );
    await expect(env.baton.specs.approve(specId)).rejects.toThrow(
      `SPEC ${specId} is not waiting for plan approval (it is awaiting_decision, phase analysis)`,
    );
    // Once the analysis is retried and done, the plan waits; a failed-phase decision does not apply.
    await env.baton.specs.retry(specId);
    const waiting = await waitForPlan(specId, 2);
    await expect(env.baton.specs.skip(specId)).rejects.toThrow(
      /not waiting for a decision \(it is awaiting_approval/,
    );

    await expect(env.baton.specs.revise(specId, '   ')).rejects.toThrow(InvalidInputError);
    await expect(env.baton.specs.revise(specId, '   ')).rejects.toThrow(
      'Feedback must say what the plan should change (non-empty text).',
    );
    await expect(env.baton.specs.revise(specId, 'x'.repeat(4_001))).rejects.toThrow(
      'Feedback must be at most 4,000 characters, got 4,001.',
    );
    // The workflow's own validator refuses what a client that skips the check sends.
    const handle = env.baton.temporal.workflow.getHandle(`spec-${specId}`);
    const refused = await handle
      .executeUpdate(decidePlanUpdate, { args: [{ kind: 'revise', feedback: '' }] })
      .catch((e: unknown) => e);
    expect((refused as Error & { cause?: unknown }).cause).toBeInstanceOf(ApplicationFailure);
    expect((refused as Error & { cause: ApplicationFailure }).cause.message).toBe(
      'Feedback must say what the plan should change (non-empty text).',
    );
    const still = await env.baton.specs.status(specId);
    expect(still.status).toBe('awaiting_approval');
    expect(still.approval).toEqual(waiting.approval);
    expect(phaseRequests(specId, 1)).toHaveLength(2);

    // Abort works while a plan waits too.
    expect((await env.baton.specs.abort(specId)).status).toBe('aborted');
    const aborted = await env.baton.specs.result(specId);
    expect(aborted.status).toBe('aborted');
    expect(aborted.phases.map((p) => p.status)).toEqual(['completed', 'pending', 'pending', 'pending']);
    await expect(env.baton.specs.approve(specId)).rejects.toThrow(/has finished \(completed\)/);
  });

  it('fails cleanly when nobody answers the plan in time', async () => {
    const specId = uniqueId('SPEC-PLAN-TIMEOUT');
    await env.baton.specs.start(spec(specId), { approve: true, decision_timeout: '2s' });
    const failure = await env.baton.specs.result(specId).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SpecFailedError);
    expect(failure).toMatchObject({
      type: 'SpecApprovalTimeout',
      workflowId: `spec-${specId}`,
      message:
        `SPEC ${specId} failed: The plan of SPEC ${specId} waited for approval and no implement, ` +
        'revise or restart came within 2 s.',
    });
  });

  it('keeps the decisions across rollovers (continue-as-new at every phase boundary)', async () => {
    const specId = uniqueId('SPEC-PLAN-ROLL');
    await env.baton.specs.start(spec(specId), { approve: true, settings: { rollover_history_events: 20 } });
    await waitForPlan(specId);
    await env.baton.specs.revise(specId, 'name the error messages');
    const second = await waitForPlan(specId, 2);
    expect(second.previous_runs.length).toBeGreaterThanOrEqual(2);
    await env.baton.specs.restart(specId);
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.previous_runs.length).toBeGreaterThan(second.previous_runs.length);
    expect(result.phases.map((p) => p.attempts)).toEqual([2, 1, 1, 1]);
    expect(phaseRequests(specId, 1)).toHaveLength(2);
    expect(phaseRequests(specId, 2)[0]!.last_user_text).toContain(second.approval!.plan);
  });
});

describe('baton spec approve|revise|restart (CLI)', () => {
  it('runs with --approve, prints the plan and the commands, and takes each decision', async () => {
    const specA = uniqueId('SPEC-CLI-PLAN');
    const specB = uniqueId('SPEC-CLI-RESTART');
    const args = (id: string) => ['spec', 'run', id, '--title', 'Search', '--req', 'index', '--approve'];
    const run = await runCli([...args(specA), '--no-stream'], env.cliEnv);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`[spec] started spec-${specA} · http`);
    expect(run.stderr).toContain(`[spec] the plan waits for you: baton spec approve|revise|restart ${specA}`);
    expect(run.stdout).toContain(`SPEC ${specA} · Search · awaiting_approval (phase analysis)`);
    expect(run.stdout).toContain('  PLAN      waiting for approval (decide by ');
    expect(run.stdout).toContain(`baton spec approve ${specA}`);
    expect(run.stdout).toContain(`baton spec revise ${specA} --feedback "…"`);
    expect(run.stdout).toContain(`baton spec restart ${specA}`);

    const status = await runCli(['spec', 'status', specA], env.cliEnv);
    expect(status.code).toBe(0);
    const plan = (await env.baton.specs.status(specA)).approval!.plan;
    expect(status.stdout).toContain(`    ${plan.split('\n')[0]}`);
    expect(status.stdout).toMatch(/ui {8}http/);

    const noFeedback = await runCli(['spec', 'revise', specA], env.cliEnv);
    expect(noFeedback.code).toBe(1);
    expect(noFeedback.stderr).toContain('Feedback must say what the plan should change');
    const twice = await runCli(['spec', 'revise', specA, 'more', '--feedback', 'less'], env.cliEnv);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('Give the feedback once');

    // --wait follows the SPEC until the new plan waits, and prints it.
    const revise = await runCli(['spec', 'revise', specA, 'add', 'paging', '--wait'], env.cliEnv);
    expect(revise.code).toBe(0);
    expect(revise.stderr).toContain(
      `[spec] Plan sent back: the analysis of SPEC ${specA} runs again with your feedback, then the new plan waits.\n`,
    );
    const revised = await env.baton.specs.status(specA);
    expect(revised).toMatchObject({ status: 'awaiting_approval' });
    expect(revised.phases[0]!.attempts).toBe(2);
    expect(revise.stdout).toContain(`SPEC ${specA} · Search · awaiting_approval (phase analysis)`);
    expect(revise.stdout).toContain(`    ${revised.approval!.plan.split('\n')[0]}`);
    expect(revise.stdout).not.toContain(`    ${plan.split('\n')[0]}`);
    expect(phaseRequests(specA, 1)[1]!.last_user_text).toContain('Revise it with this feedback: add paging');
    const approve = await runCli(['spec', 'approve', specA, '--json'], env.cliEnv);
    expect(approve.code).toBe(0);
    expect(JSON.parse(approve.stdout)).toMatchObject({ spec_id: specA, status: 'running' });
    expect((await env.baton.specs.result(specA)).status).toBe('completed');
    const late = await runCli(['spec', 'approve', specA], env.cliEnv);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain(`SPEC ${specA} is not waiting for a decision: it has finished (completed)`);

    const runJson = await runCli([...args(specB), '--json', '--no-stream'], env.cliEnv);
    expect(runJson.code).toBe(0);
    expect(JSON.parse(runJson.stdout)).toMatchObject({ spec_id: specB, status: 'awaiting_approval' });
    const restart = await runCli(['spec', 'restart', specB], env.cliEnv);
    expect(restart.code).toBe(0);
    expect(restart.stderr).toContain(
      `Plan approved: SPEC ${specB} goes on to RED in a fresh conversation that starts with the plan. ` +
        `Follow it with \`baton spec status ${specB}\`.`,
    );
    expect(restart.stdout).toMatch(new RegExp(`ui {8}http.*/workflows/spec-${specB}`));
    expect((await env.baton.specs.result(specB)).status).toBe('completed');
  });
});

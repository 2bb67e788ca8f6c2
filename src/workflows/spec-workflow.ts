import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  abortSpecUpdate,
  decidePlanUpdate,
  decisionProblem,
  planDecisionProblem,
  retryPhaseUpdate,
  skipPhaseUpdate,
  specStatusQuery,
  type PlanDecision,
  type RetryPhaseRequest,
  type SpecInput,
  type SpecResult,
} from '../domain/spec';
import { answerPermissionUpdate } from '../domain/session';
import { permissionAnswerProblem, type PermissionAnswer } from '../domain/workspace';
import { registerSessionQueries } from './session-queries';
import { refuseUpdate } from './refuse-update';
import { SpecRun } from './spec-run';

/**
 * A SPEC implementation: requirements analysis, RED, GREEN and refactor, each driven by model
 * turns in the SPEC's own session, with checkpoints at the start and completion of each phase.
 * With `approve`, the plan waits after analysis for `decidePlan` (implement, revise, restart).
 * A phase that still fails after Temporal's retries waits for `retryPhase`, `skipPhase` or
 * `abortSpec`; without a decision in time the workflow fails cleanly. Under context or history
 * pressure it rolls over between phases, like a session.
 */
export async function specWorkflow(input: SpecInput): Promise<SpecResult> {
  const run = new SpecRun(input);
  setHandler(specStatusQuery, () => run.statusView());
  registerSessionQueries(run.session);
  const refuse = (problem: string | undefined) => refuseUpdate(problem);
  setHandler(
    retryPhaseUpdate,
    (request) => run.decide({ kind: 'retry', ...(request?.guidance ? { guidance: request.guidance } : {}) }),
    {
      validator: (request: RetryPhaseRequest) =>
        refuse(decisionProblem('retry', request?.guidance, run.decisionState)),
    },
  );
  setHandler(skipPhaseUpdate, () => run.decide({ kind: 'skip' }), {
    validator: () => refuse(decisionProblem('skip', undefined, run.decisionState)),
  });
  // A SPEC whose plan waits for approval may be aborted too (the plan approval acts on it).
  const planWaits = () => run.decisionState.status === 'awaiting_approval';
  setHandler(
    abortSpecUpdate,
    () => (planWaits() ? run.approval.decide({ kind: 'abort' }) : run.decide({ kind: 'abort' })),
    {
      validator: () =>
        refuse(planWaits() ? undefined : decisionProblem('abort', undefined, run.decisionState)),
    },
  );
  setHandler(decidePlanUpdate, (decision) => run.approval.decide(decision), {
    validator: (decision: PlanDecision) => refuse(planDecisionProblem(decision, run.decisionState)),
  });
  // Under the `ask` policy, the SPEC's commands wait for a person's answer, as a session's do.
  setHandler(answerPermissionUpdate, (answer) => run.session.answerPermission(answer), {
    validator: (answer: PermissionAnswer) =>
      refuse(permissionAnswerProblem(answer, run.session.workspace?.pendingPermission)),
  });
  const result = await run.run();
  await condition(allHandlersFinished);
  return result;
}

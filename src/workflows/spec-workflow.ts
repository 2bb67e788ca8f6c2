import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  abortSpecUpdate,
  retryPhaseUpdate,
  skipPhaseUpdate,
  specStatusQuery,
  type RetryPhaseRequest,
  type SpecInput,
  type SpecResult,
} from '../domain/spec';
import { SpecRun } from './spec-run';

/**
 * A SPEC implementation: requirements analysis, RED, GREEN and refactor, each driven by model
 * turns in the SPEC's own session, with checkpoints at the start and completion of each phase.
 * A phase that still fails after Temporal's retries waits for `retryPhase`, `skipPhase` or
 * `abortSpec`; without a decision in time the workflow fails cleanly.
 */
export async function specWorkflow(input: SpecInput): Promise<SpecResult> {
  const run = new SpecRun(input);
  setHandler(specStatusQuery, () => run.statusView());
  setHandler(
    retryPhaseUpdate,
    (request) => run.decide({ kind: 'retry', ...(request?.guidance ? { guidance: request.guidance } : {}) }),
    {
      validator: (request: RetryPhaseRequest) => run.validateDecision('retry', request),
    },
  );
  setHandler(skipPhaseUpdate, () => run.decide({ kind: 'skip' }), {
    validator: () => run.validateDecision('skip'),
  });
  setHandler(abortSpecUpdate, () => run.decide({ kind: 'abort' }), {
    validator: () => run.validateDecision('abort'),
  });
  const result = await run.run();
  await condition(allHandlersFinished);
  return result;
}

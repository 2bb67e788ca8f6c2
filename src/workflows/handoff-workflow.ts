import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  abortHandoffUpdate,
  handoffStatusQuery,
  retryAgentUpdate,
  skipAgentUpdate,
  type HandoffInput,
  type HandoffResult,
  type RetryAgentRequest,
} from '../domain/handoff';
import { decisionProblem } from '../domain/spec';
import { HandoffChain } from './handoff-chain';
import { refuseUpdate } from './refuse-update';

/**
 * A multi-agent handoff: runs each agent of the chain as a child session workflow
 * (`handoff-<spec_id>-<n>-<agent>`) with its own role prompt, model and floor. Between agents it
 * builds a handoff package from the previous session's final status and validates it; the next
 * session starts at the previous one's final head and, when it has fewer tokens available than
 * its floor, compacts before its first turn. A failed agent waits for `retryAgent` (with
 * guidance), `skipAgent` or `abortHandoff`. Answers `handoffStatus` while it runs.
 *
 * @returns the chain, each package, and per-agent tokens, cost, output and floor compactions.
 * @throws ApplicationFailure `InvalidHandoffInput` or `InvalidHandoffPackage` (the message names
 * the field), or `AgentFailed` when an agent failed and no decision came in time.
 */
export async function handoffWorkflow(input: HandoffInput): Promise<HandoffResult> {
  const chain = new HandoffChain(input);
  const refuse = (problem: string | undefined) => refuseUpdate(problem);
  setHandler(handoffStatusQuery, () => chain.status());
  setHandler(
    retryAgentUpdate,
    (request) =>
      chain.decide({ kind: 'retry', ...(request?.guidance ? { guidance: request.guidance } : {}) }),
    {
      validator: (request: RetryAgentRequest) =>
        refuse(decisionProblem('retry', request?.guidance, chain.decisionState)),
    },
  );
  setHandler(skipAgentUpdate, () => chain.decide({ kind: 'skip' }), {
    validator: () => refuse(decisionProblem('skip', undefined, chain.decisionState)),
  });
  setHandler(abortHandoffUpdate, () => chain.decide({ kind: 'abort' }), {
    validator: () => refuse(decisionProblem('abort', undefined, chain.decisionState)),
  });
  const result = await chain.run();
  await condition(allHandlersFinished);
  return result;
}

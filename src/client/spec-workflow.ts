/** How the client reaches a SPEC's workflow, and how it words what went wrong there. */
import type { WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { specDefinitionProblem, specWorkflowId } from '../domain/spec';
import type { specWorkflow } from '../workflows';
import { InvalidInputError, SessionNotFoundError, SpecFailedError } from './errors';
import type { SessionContext } from './session-context';
import { toBatonError } from './temporal-errors';

/**
 * The handle of a SPEC's workflow, from the SPEC id (`SPEC-001`) or the workflow id (`spec-SPEC-001`).
 * @throws InvalidInputError for an id that is not a SPEC id.
 */
export function specHandle(ctx: SessionContext, specId: string): WorkflowHandle<typeof specWorkflow> {
  const id = specId.startsWith('spec-') ? specId : specWorkflowId(specId);
  if (specDefinitionProblem({ spec_id: id.slice(5), title: 'x', requirements: ['x'] })) {
    throw new InvalidInputError(`'${specId}' is not a SPEC id (letters, digits, '_' or '-', like SPEC-001).`);
  }
  return ctx.client.workflow.getHandle<typeof specWorkflow>(id);
}

/** A Temporal error as the user should read it, naming the SPEC and how to start it when it is unknown. */
export function specNotFound(err: unknown, specId: string): unknown {
  const mapped = toBatonError(err, specId);
  if (mapped instanceof SessionNotFoundError) {
    return new SessionNotFoundError(
      `No SPEC run '${specId}'. Start one with \`baton spec run ${specId} …\`.`,
    );
  }
  return mapped;
}

/** A failed SPEC run as the user reads it: the innermost cause's message and failure type. */
export function specFailure(err: WorkflowFailedError, specId: string): SpecFailedError {
  let cause: unknown = err.cause;
  let type: string | undefined;
  let message = err.message;
  while (cause instanceof Error) {
    message = cause.message;
    if (cause instanceof ApplicationFailure && cause.type) type = cause.type;
    cause = cause.cause;
  }
  return new SpecFailedError(`SPEC ${specId} failed: ${message}`, type, specWorkflowId(specId));
}

/**
 * How the client reaches a SPEC's workflow, and how it words an unknown SPEC (a failed run's error
 * comes from run-failure.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { specDefinitionProblem, specWorkflowId } from '../domain/spec';
import type { specWorkflow } from '../workflows';
import { InvalidInputError, SessionNotFoundError } from './errors';
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

/** How the client names a handoff's workflow, and how it words what went wrong there. */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { handoffWorkflowId } from '../domain/handoff';
import { sessionIdProblem } from '../domain/session';
import { HandoffExistsError, HandoffNotFoundError, InvalidInputError } from './errors';
import { handoffFailedError } from './run-failure';

/**
 * The handoff's workflow id from either form a user types: `handoff-SPEC-001` or `SPEC-001`.
 * @throws InvalidInputError for an id with path or shell characters.
 */
export function toHandoffId(id: string): string {
  const problem = sessionIdProblem(id);
  if (problem) throw new InvalidInputError(problem.replace('session id', 'handoff id'));
  return id.startsWith('handoff-') ? id : handoffWorkflowId(id);
}

/** A Temporal error as the user should read it: an unknown, existing or failed handoff, named. */
export function toHandoffError(err: unknown, handoffId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new HandoffNotFoundError(
      `No handoff '${handoffId}'. Start one with \`baton handoff run <SPEC-ID> --title … --req …\`.`,
    );
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new HandoffExistsError(
      `A handoff '${handoffId}' is running or has completed: only a failed one can be run again under ` +
        `the same id. See it with \`baton handoff status ${handoffId}\`, or give the SPEC another id.`,
      handoffId,
    );
  }
  if (err instanceof WorkflowFailedError) return handoffFailedError(err, handoffId);
  return err;
}

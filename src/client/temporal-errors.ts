import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../domain/failures';
import { SessionExistsError, SessionNotFoundError, SessionRequestError } from './errors';

// gRPC status code 5; spelled out to avoid depending on @grpc/grpc-js for one constant.
const GRPC_NOT_FOUND = 5;

/**
 * Translates what the Temporal client throws into baton's errors, whose messages tell a user
 * what happened and what to do. Anything unrecognised is returned as it is.
 */
export function toBatonError(err: unknown, sessionId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new SessionNotFoundError(`No session '${sessionId}'. List sessions with \`baton session list\`.`);
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new SessionExistsError(
      `A session '${sessionId}' already exists. Choose another id, or continue it with \`baton session send ${sessionId}\`.`,
    );
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure)
      return new SessionRequestError(cause.message, cause.type ?? undefined);
    return new SessionRequestError(cause?.message ?? err.message);
  }
  if (err instanceof QueryNotRegisteredError) {
    return new SessionRequestError(
      `${sessionId} does not answer this query: its worker runs an older baton. Restart the worker, then try again.`,
    );
  }
  if (err instanceof ServiceError) {
    const code = (err.cause as { code?: number } | undefined)?.code;
    if (code === GRPC_NOT_FOUND) {
      // Updates to a run that has completed come back as NOT_FOUND.
      if (/completed|closed/i.test(err.message)) {
        return new SessionRequestError(
          `Session ${sessionId} is closed. Resume it with \`baton session resume ${sessionId}\`.`,
          FailureType.SessionClosed,
        );
      }
      return new SessionNotFoundError(
        `No session '${sessionId}'. List sessions with \`baton session list\`.`,
      );
    }
  }
  return err;
}

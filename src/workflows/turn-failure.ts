import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { SessionFailureType } from '../domain/session';

/**
 * An activity's failure as the caller of an update should see it: the cause's own message and
 * type, prefixed with what was being done, rather than Temporal's "Activity task failed" wrapper.
 */
export function toUpdateFailure(
  err: unknown,
  doing: string,
  fallbackType: string = SessionFailureType.ModelCallFailed,
) {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    // A retryable cause reaching the caller means the retry policy gave up: say so, rather than
    // repeating the last attempt's "will be retried".
    const message = cause.nonRetryable
      ? cause.message
      : `${cause.message.replace(/[:;,]? *(the request|it) (will be|is) retried[^.]*\.?$/i, '.')} Temporal's retries ran out; try again later.`;
    return ApplicationFailure.create({
      type: cause.type ?? fallbackType,
      message: `${doing} failed: ${message}`,
      nonRetryable: true,
      details: cause.details ?? [],
    });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return ApplicationFailure.create({
    type: fallbackType,
    message: `${doing} failed: ${message}`,
    nonRetryable: true,
  });
}

/** The message of an activity failure's root cause, for reports. */
export function causeMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

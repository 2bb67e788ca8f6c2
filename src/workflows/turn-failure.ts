import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../domain/failures';

/** What the caller reads after a retryable failure's last attempt: the retry policy gave up. */
export const RETRIES_RAN_OUT = "Temporal's retries ran out; try again later.";

/**
 * An activity's failure as the caller of an update should see it: the cause's own message and
 * type, prefixed with what was being done, rather than Temporal's "Activity task failed" wrapper.
 * A retryable cause reaching here means the retry policy gave up, so the message says so; the
 * activity's own message only says what happened.
 * @example toUpdateFailure(err, 'Turn 3').message
 * // "Turn 3 failed: The Anthropic API is overloaded (529 overloaded_error). Temporal's retries ran out; try again later."
 */
export function toUpdateFailure(
  err: unknown,
  doing: string,
  fallbackType: string = FailureType.ModelCallFailed,
): ApplicationFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const message = cause.nonRetryable ? cause.message : `${sentence(cause.message)} ${RETRIES_RAN_OUT}`;
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

/** The message as a sentence, so that another can follow it. */
function sentence(message: string): string {
  const trimmed = message.trimEnd();
  return ['.', '!', '?'].some((end) => trimmed.endsWith(end)) ? trimmed : `${trimmed}.`;
}

/** The message of an activity failure's root cause, for reports. */
export function causeMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

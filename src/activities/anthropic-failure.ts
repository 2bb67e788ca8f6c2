import { ApplicationFailure } from '@temporalio/common';
import { classifyAnthropicError } from '../model';

/** What a model-call failure's details carry, for diagnosis: the API's own words for it. */
export interface ModelCallFailureDetails {
  /** The HTTP status, or null when there was no response (a timeout, a dropped connection). */
  status: number | null;
  /** The API's `error.type` (`rate_limit_error`, `overloaded_error`, …), or null. */
  api_error_type: string | null;
  /** The API's `request-id`, to quote to Anthropic support, or null. */
  request_id: string | null;
}

/**
 * Turns an error from the Anthropic SDK into the failure Temporal acts on: its type is one of
 * baton's `FailureType`s, non-retryable for requests that cannot succeed as sent
 * (400/401/403/404/413/422), retryable otherwise, with the next attempt delayed by the API's
 * `retry-after` when it gave one. The details ({@link ModelCallFailureDetails}) keep the API's
 * own status and error type.
 */
export function toModelCallFailure(err: unknown): ApplicationFailure {
  const decision = classifyAnthropicError(err);
  const details: ModelCallFailureDetails = {
    status: decision.status ?? null,
    api_error_type: decision.apiErrorType ?? null,
    request_id: decision.requestId ?? null,
  };
  return ApplicationFailure.create({
    message: decision.message,
    type: decision.type,
    nonRetryable: !decision.retryable,
    ...(decision.retryAfterMs !== undefined ? { nextRetryDelay: decision.retryAfterMs } : {}),
    details: [details],
  });
}

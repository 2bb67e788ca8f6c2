import { ApplicationFailure } from '@temporalio/common';
import { classifyAnthropicError } from '../model';

/**
 * Turns an error from the Anthropic SDK into the failure Temporal acts on: non-retryable for
 * requests that cannot succeed as sent (400/401/403/404/413/422), retryable otherwise, with the
 * next attempt delayed by the API's `retry-after` when it gave one.
 */
export function toModelCallFailure(err: unknown): ApplicationFailure {
  const decision = classifyAnthropicError(err);
  return ApplicationFailure.create({
    message: decision.message,
    type: decision.type,
    nonRetryable: !decision.retryable,
    ...(decision.retryAfterMs !== undefined ? { nextRetryDelay: decision.retryAfterMs } : {}),
    details: [{ status: decision.status ?? null, request_id: decision.requestId ?? null }],
  });
}

/**
 * toUpdateFailure: what the caller of an update reads when the activity behind it failed. The
 * activity's message says what happened; the workflow adds, once, that Temporal's retries ran out.
 */
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../../src/domain/failures';
import { toUpdateFailure } from '../../src/workflows/turn-failure';

/** An activity failure as the workflow receives it after the retry policy stopped. */
const afterRetries = (cause: Error, retryState: RetryState = RetryState.MAXIMUM_ATTEMPTS_REACHED) =>
  new ActivityFailure('Activity task failed', 'runModelTurn', '7', retryState, 'worker@host', cause);

describe('toUpdateFailure', () => {
  it('says the retries ran out after a retryable failure, keeping its type and details', () => {
    const details = { status: 529, api_error_type: 'overloaded_error', request_id: 'req_1' };
    const cause = ApplicationFailure.create({
      type: FailureType.ApiOverloaded,
      message: 'The Anthropic API is overloaded (529 overloaded_error).',
      details: [details],
    });
    const failure = toUpdateFailure(afterRetries(cause), 'Turn 3');
    expect(failure.message).toBe(
      "Turn 3 failed: The Anthropic API is overloaded (529 overloaded_error). Temporal's retries ran out; try again later.",
    );
    expect(failure).toMatchObject({ type: FailureType.ApiOverloaded, nonRetryable: true });
    expect(failure.details).toEqual([details]);
  });

  it('ends a retryable message without a full stop before adding the retries sentence', () => {
    const cause = ApplicationFailure.create({
      type: FailureType.McpTimeout,
      message: 'The server did not answer',
    });
    expect(toUpdateFailure(afterRetries(cause), 'Turn 1').message).toBe(
      "Turn 1 failed: The server did not answer. Temporal's retries ran out; try again later.",
    );
  });

  it('passes a non-retryable failure on as the activity wrote it', () => {
    const cause = ApplicationFailure.create({
      type: FailureType.AuthenticationFailed,
      message: 'The Anthropic API rejected the key (401 authentication_error): check ANTHROPIC_API_KEY.',
      nonRetryable: true,
    });
    const failure = toUpdateFailure(afterRetries(cause, RetryState.NON_RETRYABLE_FAILURE), 'Turn 2');
    expect(failure.message).toBe(
      'Turn 2 failed: The Anthropic API rejected the key (401 authentication_error): check ANTHROPIC_API_KEY.',
    );
    expect(failure.type).toBe(FailureType.AuthenticationFailed);
  });

  it('names an unclassified error with the fallback type', () => {
    expect(toUpdateFailure(new Error('store is gone'), 'Merge')).toMatchObject({
      type: FailureType.ModelCallFailed,
      message: 'Merge failed: store is gone',
      nonRetryable: true,
    });
    expect(toUpdateFailure(new Error('no history'), 'Merge', FailureType.MergeRefused).type).toBe(
      FailureType.MergeRefused,
    );
  });
});

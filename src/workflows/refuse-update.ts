import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../domain/failures';

/**
 * An update validator's refusal: when there is a problem, the caller gets it as the message of a
 * failure of the given type (`InvalidRequest` unless said otherwise), and nothing reaches history.
 * @example validator: (request) => refuseUpdate(sendRequestProblem(request, facts))
 */
export function refuseUpdate(
  problem: string | undefined,
  type: FailureType = FailureType.InvalidRequest,
): void {
  if (problem) throw ApplicationFailure.create({ type, message: problem, nonRetryable: true });
}

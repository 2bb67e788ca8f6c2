import {
  cancelRequestProblem,
  cancelTurnUpdate,
  sendUpdate,
  type CancelTurnRequest,
  type CancelTurnResult,
  type SendRequest,
  type SendResult,
} from '../domain/session';
import { InvalidInputError } from './errors';
import { assertSendable, assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import type { SessionTargets } from './session-target';
import { executeSessionUpdate } from './session-updates';
import { streamedSend, type SendStreamOptions } from './streamed-send';

/**
 * Sends a user message: streamed (through the session's turn stream) when the caller follows the
 * turn or may cancel it, else as one update. See `SessionsClient.send`.
 * @throws InvalidInputError for a bad message; SessionRequestError when the session rejects it or
 * the turn fails or is cancelled.
 */
export async function sendMessage(
  ctx: SessionContext,
  targets: SessionTargets,
  sessionId: string,
  message: string,
  options: Omit<SendRequest, 'message' | 'stream'> & SendStreamOptions,
): Promise<SendResult> {
  assertSessionId(sessionId);
  const { onEvent, signal, ...fields } = options;
  const request: SendRequest = { message, ...fields };
  assertSendable(sessionId, request);
  await targets.assertApplies(sessionId, 'send');
  if (onEvent || signal) {
    return streamedSend(ctx, sessionId, request, {
      ...(onEvent ? { onEvent } : {}),
      ...(signal ? { signal } : {}),
    });
  }
  return executeSessionUpdate(ctx, sessionId, sendUpdate, [request]);
}

/**
 * Cancels the turn in flight (or only the one of `request_id`). See `SessionsClient.cancel`.
 * @throws InvalidInputError for a malformed request.
 */
export async function cancelTurn(
  ctx: SessionContext,
  targets: SessionTargets,
  sessionId: string,
  request: CancelTurnRequest,
): Promise<CancelTurnResult> {
  assertSessionId(sessionId);
  const problem = cancelRequestProblem(request);
  if (problem) throw new InvalidInputError(problem);
  await targets.assertApplies(sessionId, 'cancel');
  return executeSessionUpdate(ctx, sessionId, cancelTurnUpdate, [request]);
}

import { FailureType } from '../domain/failures';
import { answerPermissionUpdate, type SessionStatus } from '../domain/session';
import { permissionAnswerProblem, type PermissionAnswer } from '../domain/workspace';
import { InvalidInputError, SessionRequestError } from './errors';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { readSessionState } from './session-state';
import { executeSessionUpdate } from './session-updates';

/** Longest note a refusal may carry to the model. */
const MAX_PERMISSION_NOTE_CHARS = 4_000;

/**
 * Answers the command waiting for permission in a session whose policy asks, after checking the
 * answer and that a command (the one named, if any) is waiting. See `SessionsClient.answerPermission`.
 * @throws InvalidInputError for a malformed answer; SessionRequestError when no command is
 * waiting, or another one than `tool_use_id`.
 */
export async function answerPermission(
  ctx: SessionContext,
  sessionId: string,
  answer: PermissionAnswer,
): Promise<SessionStatus> {
  assertSessionId(sessionId);
  if (typeof answer !== 'object' || answer === null || typeof answer.approve !== 'boolean') {
    throw new InvalidInputError('Say whether the command may run: { approve: true } or { approve: false }.');
  }
  if (answer.note !== undefined && (typeof answer.note !== 'string' || answer.note.trim() === '')) {
    throw new InvalidInputError('The note is empty: say what the model should do instead, or leave it out.');
  }
  if (answer.note !== undefined && answer.note.length > MAX_PERMISSION_NOTE_CHARS) {
    throw new InvalidInputError(
      `The note is ${answer.note.length} characters long; keep it under ${MAX_PERMISSION_NOTE_CHARS}.`,
    );
  }
  // The same check the session makes, first here: nothing waiting is the common mistake.
  const state = await readSessionState(ctx, sessionId);
  if (!state.running) {
    throw new SessionRequestError(
      `Session ${sessionId} is not running, so no command is waiting for permission.`,
      FailureType.InvalidRequest,
    );
  }
  const pending = state.status.pending_permission;
  const problem = pending
    ? permissionAnswerProblem(answer, pending)
    : `No command is waiting for permission in session ${sessionId}; \`baton session status ${sessionId}\` shows what it is doing.`;
  if (problem) throw new SessionRequestError(problem, FailureType.InvalidRequest);
  return executeSessionUpdate(ctx, sessionId, answerPermissionUpdate, [answer]);
}

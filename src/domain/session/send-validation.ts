import { CONTEXT_CLASSES } from './conversation';
import type { SendRequest } from './requests';
import { formatCount } from '../format';
import { requestIdProblem } from './live-turn';
import { estimateTokens } from './token-estimate';

/**
 * Why a `send` request must be rejected, or undefined when it may proceed. Shared by the update
 * validator and the client (which checks before it goes to the server).
 */
export function sendRequestProblem(
  request: SendRequest | undefined,
  session: { session_id: string; closed: boolean; context_window: number },
): string | undefined {
  if (session.closed) {
    return `Session ${session.session_id} is closed. Resume it with \`baton session resume ${session.session_id}\`.`;
  }
  if (typeof request !== 'object' || request === null || typeof request.message !== 'string') {
    return 'A send request needs a `message` string.';
  }
  if (request.message.trim().length === 0) return 'The message is empty: send some text.';
  const estimate = estimateTokens(request.message);
  if (estimate > session.context_window) {
    return (
      `The message is about ${formatCount(estimate)} tokens, more than the model's whole ` +
      `context window (${formatCount(session.context_window)}). Split it or send a summary.`
    );
  }
  if (request.class !== undefined && !CONTEXT_CLASSES.includes(request.class)) {
    return `Unknown context class '${String(request.class)}': use one of ${CONTEXT_CLASSES.join(', ')}.`;
  }
  if (request.pin !== undefined && typeof request.pin !== 'boolean') return '`pin` must be true or false.';
  if (request.stream !== undefined && typeof request.stream !== 'boolean') {
    return '`stream` must be true or false.';
  }
  return requestIdProblem(request.request_id);
}

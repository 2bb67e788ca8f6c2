/**
 * Extended thinking, offline: the reply's thinking block, its signature, and the checks the API
 * makes on thinking blocks sent back (signature intact; while a turn's tool calls go on, the
 * final assistant message starts with its thinking).
 */
import { createHash } from 'node:crypto';
import type { MessagesRequest, RequestBlock } from './messages-request';

/** Salt of the offline signatures; a changed thinking text no longer matches its signature. */
const SIGNATURE_SALT = 'baton-offline-thinking/v1';

/** The signature the offline model gives a thinking text (base64, like the API's opaque ones). */
export function signThinking(thinking: string): string {
  return createHash('sha256').update(`${SIGNATURE_SALT}\n${thinking}`).digest('base64');
}

/** True when the request asks for thinking (enabled with a budget, or adaptive). */
export function thinkingOn(request: Pick<MessagesRequest, 'thinking'>): boolean {
  return request.thinking !== undefined && request.thinking.type !== 'disabled';
}

/**
 * Why the API would refuse the request's thinking blocks, worded like its 400s, or undefined.
 */
export function thinkingBlocksProblem(request: MessagesRequest): string | undefined {
  for (const [i, message] of request.messages.entries()) {
    if (typeof message.content === 'string') continue;
    for (const [j, block] of message.content.entries()) {
      if (block.type !== 'thinking') continue;
      if (message.role !== 'assistant')
        return `messages.${i}.content.${j}: thinking blocks may only appear in assistant messages`;
      if (block.signature !== signThinking(block.thinking as string)) {
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  if (!thinkingOn(request)) return undefined;
  // Continuing a tool call: the assistant message that made it must start with its thinking.
  const lastAssistant = request.messages.findLastIndex((m) => m.role === 'assistant');
  const message = request.messages[lastAssistant];
  if (!message || typeof message.content === 'string' || lastAssistant !== request.messages.length - 2)
    return undefined;
  const callsTools = message.content.some((b) => b.type === 'tool_use');
  const first: RequestBlock | undefined = message.content[0];
  if (callsTools && first?.type !== 'thinking' && first?.type !== 'redacted_thinking') {
    return (
      `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? 'nothing'}\`. ` +
      'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceding the lastmost set of `tool_use` and `tool_result` blocks).'
    );
  }
  return undefined;
}

/**
 * What a request says, read the same way by the reply, the fault matcher and the request log.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { toolResultContentText } from '../tokenizer';
import type { MessagesRequest, RequestBlock, RequestMessage } from './messages-request';

/** The last message sent by the user, which in a valid request is normally the final one. */
export function lastUserMessage(messages: readonly RequestMessage[]): RequestMessage | undefined {
  return messages.findLast((m) => m.role === 'user');
}

/** Text of the text blocks of some content (a plain string is one text block). */
export function textOfContent(content: RequestMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

/** The text of a `tool_result` block, whose content may be a string or a list of text blocks. */
export function toolResultText(block: RequestBlock): string {
  return toolResultContentText(block.content);
}

/**
 * The newest thing the user said: the last text block of a message. Clients (baton among them)
 * merge consecutive user turns, such as a task followed by the first question, into one message.
 */
export function newestTextOf(content: RequestMessage['content']): string {
  if (typeof content === 'string') return content;
  const last = content.findLast((b) => b.type === 'text' && typeof b.text === 'string');
  return last ? (last.text as string) : '';
}

/** The `tool_result` blocks of some content. */
export function toolResultsOf(content: RequestMessage['content']): RequestBlock[] {
  return typeof content === 'string' ? [] : content.filter((b) => b.type === 'tool_result');
}

/**
 * Everything the user said in the last user message: its text, then the text of any tool
 * results. This is what the request log shows and what a fault's `match` is tested against.
 */
export function lastUserText(messages: readonly RequestMessage[]): string {
  const last = lastUserMessage(messages);
  if (!last) return '';
  return [textOfContent(last.content), ...toolResultsOf(last.content).map(toolResultText)]
    .filter((t) => t !== '')
    .join('\n');
}

/** The turn number: how many user messages the conversation holds (tool results included). */
export function userTurnCount(messages: readonly RequestMessage[]): number {
  return messages.filter((m) => m.role === 'user').length;
}

/**
 * SHA-256 (hex) of the canonical JSON of the system prompt and messages. Canonical JSON makes the
 * digest independent of key order, so only what was said changes it.
 */
export function conversationDigest(request: Pick<MessagesRequest, 'system' | 'messages'>): string {
  const json = canonicalize({ system: request.system ?? null, messages: request.messages }) ?? '';
  return createHash('sha256').update(json).digest('hex');
}

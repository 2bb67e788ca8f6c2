/**
 * What a request says, read the same way by the reply, the fault matcher and the request log.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { parseBudgetNote } from '../../domain/session';
import { toolResultContentText, withoutCacheControl } from '../tokenizer';
import type { MessagesRequest, RequestBlock, RequestMessage } from './messages-request';

/** The last message sent by the user, which in a valid request is normally the final one. */
export function lastUserMessage(messages: readonly RequestMessage[]): RequestMessage | undefined {
  return messages.findLast((m) => m.role === 'user');
}

/**
 * True for a text block the user did not write: the harness's budget note. The offline model
 * reads it as Claude does, as information about the context rather than part of the message.
 */
function isBudgetNote(block: RequestBlock): boolean {
  return block.type === 'text' && typeof block.text === 'string' && parseBudgetNote(block.text) !== undefined;
}

/** What the user wrote: the text blocks, without the budget note. */
function userTextBlocks(content: readonly RequestBlock[]): string[] {
  return content
    .filter((b) => b.type === 'text' && typeof b.text === 'string' && !isBudgetNote(b))
    .map((b) => b.text as string);
}

/** Text of the text blocks of some content (a plain string is one text block). */
export function textOfContent(content: RequestMessage['content']): string {
  if (typeof content === 'string') return content;
  return userTextBlocks(content).join('\n');
}

/** The numbers of the budget note in the last user message, if the request has one. */
export function budgetNoteOf(messages: readonly RequestMessage[]): ReturnType<typeof parseBudgetNote> {
  const last = lastUserMessage(messages);
  if (!last || typeof last.content === 'string') return undefined;
  const note = last.content.findLast(isBudgetNote);
  return note ? parseBudgetNote(note.text as string) : undefined;
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
  return userTextBlocks(content).at(-1) ?? '';
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
 * digest independent of key order, so only what was said changes it: cache breakpoints and the
 * budget note are left out, so a conversation gets the same replies with caching on or off.
 */
export function conversationDigest(request: Pick<MessagesRequest, 'system' | 'messages'>): string {
  // The reply and the message id both need it; the request is not changed while it is answered.
  let digest = digests.get(request);
  if (digest === undefined) {
    digest = digestOf(request);
    digests.set(request, digest);
  }
  return digest;
}

const digests = new WeakMap<object, string>();

function digestOf(request: Pick<MessagesRequest, 'system' | 'messages'>): string {
  const system =
    typeof request.system === 'string' || request.system === undefined
      ? (request.system ?? null)
      : request.system.map(withoutCacheControl);
  const messages = request.messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : m.content.filter((b) => !isBudgetNote(b)).map(withoutCacheControl),
  }));
  const json = canonicalize({ system, messages }) ?? '';
  return createHash('sha256').update(json).digest('hex');
}

/**
 * The response body of `POST /v1/messages`: the reply cut to `max_tokens`, with usage counted by
 * the same tokenizer the worker uses.
 */
import type { Usage } from '../../domain/session';
import { countBlockTokens, countMessagesTokens, truncateToTokens } from '../tokenizer';
import type { MessagesRequest } from './messages-request';
import type { OfflineReply, ReplyBlock } from './reply-for';
import { conversationDigest } from './request-facts';

/** A Messages API `Message`, with the fields the SDK reads. */
export interface OfflineMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyBlock[];
  stop_reason: 'end_turn' | 'tool_use' | 'max_tokens';
  stop_sequence: null;
  usage: Usage;
}

/**
 * Applies `max_tokens` as the API does: generation stops when the budget is spent. A text block is
 * cut mid-way; a tool call that does not fit whole is dropped, since half a JSON input is useless.
 */
function limitToMaxTokens(
  reply: OfflineReply,
  maxTokens: number,
): { content: ReplyBlock[]; stop_reason: OfflineMessage['stop_reason']; output_tokens: number } {
  const content: ReplyBlock[] = [];
  let used = 0;
  for (const block of reply.content) {
    const tokens = countBlockTokens(block);
    if (used + tokens <= maxTokens) {
      content.push(block);
      used += tokens;
      continue;
    }
    if (block.type === 'text') {
      const text = truncateToTokens(block.text, maxTokens - used);
      if (text !== '') {
        content.push({ type: 'text', text });
        used += countBlockTokens({ type: 'text', text });
      }
    }
    return { content, stop_reason: 'max_tokens', output_tokens: used };
  }
  return { content, stop_reason: reply.stop_reason, output_tokens: used };
}

/**
 * Builds the response message for a validated request and its reply.
 * @param inputTokens the request's {@link countMessagesTokens}; computed when omitted.
 */
export function offlineMessage(
  request: MessagesRequest,
  reply: OfflineReply,
  inputTokens?: number,
): OfflineMessage {
  const limited = limitToMaxTokens(reply, request.max_tokens ?? Number.POSITIVE_INFINITY);
  return {
    // Derived from the conversation like everything else, so a replayed request gets the same id.
    id: `msg_offline_${conversationDigest(request).slice(0, 24)}`,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: limited.content,
    stop_reason: limited.stop_reason,
    stop_sequence: null,
    usage: {
      input_tokens: inputTokens ?? countMessagesTokens(request),
      output_tokens: limited.output_tokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

/**
 * The response body of `POST /v1/messages`: the reply cut to `max_tokens`, with usage counted by
 * the same tokenizer the worker uses and split between the prompt cache and plain input as the
 * API reports it.
 */
import { countBlockTokens, countMessagesTokens, truncateToTokens } from '../tokenizer';
import type { MessagesRequest } from './messages-request';
import type { CacheUsage } from './prompt-cache';
import type { OfflineReply, ReplyBlock } from './reply-for';
import { conversationDigest } from './request-facts';
import { signThinking } from './thinking';

/** `usage` of a response, in the API's field names. */
export interface OfflineUsage extends CacheUsage {
  output_tokens: number;
  /** Of the output, the tokens spent thinking (the API's `output_tokens_details`). */
  output_tokens_details: { thinking_tokens: number } | null;
}

/** A Messages API `Message`, with the fields the SDK reads. */
export interface OfflineMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyBlock[];
  stop_reason: 'end_turn' | 'tool_use' | 'max_tokens';
  stop_sequence: null;
  usage: OfflineUsage;
}

/**
 * Applies `max_tokens` as the API does: generation stops when the budget is spent. A text or
 * thinking block is cut mid-way (a cut thinking block is signed as cut); a tool call that does not
 * fit whole is dropped, since half a JSON input is useless.
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
    } else if (block.type === 'thinking') {
      const thinking = truncateToTokens(block.thinking, maxTokens - used);
      if (thinking !== '') {
        content.push({ type: 'thinking', thinking, signature: signThinking(thinking) });
        used += countBlockTokens({ type: 'thinking', thinking });
      }
    }
    return { content, stop_reason: 'max_tokens', output_tokens: used };
  }
  return { content, stop_reason: reply.stop_reason, output_tokens: used };
}

/**
 * Builds the response message for a validated request and its reply.
 * @param input the request's input side: a token count (all of it uncached), or the prompt
 * cache's split; `countMessagesTokens(request)`, uncached, when omitted.
 */
export function offlineMessage(
  request: MessagesRequest,
  reply: OfflineReply,
  input?: number | CacheUsage,
): OfflineMessage {
  const limited = limitToMaxTokens(reply, request.max_tokens ?? Number.POSITIVE_INFINITY);
  const cache: CacheUsage =
    typeof input === 'object'
      ? input
      : {
          input_tokens: input ?? countMessagesTokens(request),
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        };
  const thinking = limited.content.reduce((n, b) => n + (b.type === 'thinking' ? countBlockTokens(b) : 0), 0);
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
      ...cache,
      output_tokens: limited.output_tokens,
      output_tokens_details: thinking > 0 ? { thinking_tokens: thinking } : null,
    },
  };
}

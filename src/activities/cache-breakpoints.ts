import type Anthropic from '@anthropic-ai/sdk';
import type { CacheTtl } from '../domain/session';

/** The API accepts at most this many `cache_control` breakpoints in one request. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** The parts of a request that breakpoints go on, in the order the cache reads them. */
export interface CacheableRequest {
  tools?: Anthropic.ToolUnion[];
  system?: string | Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
}

/**
 * Puts prompt-cache breakpoints on a request, following Anthropic's rules: the cache reads tools,
 * then system, then messages, and a breakpoint caches everything up to and including its block.
 *
 * 1. the last tool: the tool definitions, which change only when a server is turned on or off;
 * 2. the end of the system prompt: tools and system together;
 * 3. the last block of the last message: the whole conversation, which the next turn reads back;
 * 4. the last block of the previous user message: exactly where the previous request ended, so
 *    that turn's cache entry is found however many blocks the reply and tool calls added (the API
 *    looks back only 20 blocks from a breakpoint for an earlier entry).
 *
 * That is at most four, the API's limit, all with the same TTL (a longer TTL may not follow a
 * shorter one). Prefixes shorter than the model's minimum are simply not cached by the API, so
 * no breakpoint is withheld here. Returns a new request; the input is not changed.
 */
export function placeCacheBreakpoints<R extends CacheableRequest>(request: R, ttl: CacheTtl): R {
  const cacheControl: Anthropic.CacheControlEphemeral =
    ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  const out: R = { ...request, messages: [...request.messages] };
  let placed = 0;

  if (request.tools && request.tools.length > 0) {
    const tools = [...request.tools];
    tools[tools.length - 1] = { ...tools.at(-1)!, cache_control: cacheControl };
    out.tools = tools;
    placed++;
  }
  if (typeof request.system === 'string' ? request.system !== '' : (request.system?.length ?? 0) > 0) {
    const blocks: Anthropic.TextBlockParam[] =
      typeof request.system === 'string' ? [{ type: 'text', text: request.system }] : [...request.system!];
    blocks[blocks.length - 1] = { ...blocks.at(-1)!, cache_control: cacheControl };
    out.system = blocks;
    placed++;
  }

  const last = out.messages.length - 1;
  const previousUser = out.messages.findLastIndex((m, i) => i < last && m.role === 'user');
  for (const index of [last, previousUser]) {
    if (index < 0 || placed >= MAX_CACHE_BREAKPOINTS) continue;
    const marked = markLastBlock(out.messages[index]!, cacheControl);
    if (marked) {
      out.messages[index] = marked;
      placed++;
    }
  }
  return out;
}

/** The message with a breakpoint on its last block that can carry one (not thinking), or undefined. */
function markLastBlock(
  message: Anthropic.MessageParam,
  cacheControl: Anthropic.CacheControlEphemeral,
): Anthropic.MessageParam | undefined {
  const blocks: Anthropic.ContentBlockParam[] =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
  const at = blocks.findLastIndex((b) => b.type !== 'thinking' && b.type !== 'redacted_thinking');
  if (at < 0) return undefined;
  blocks[at] = { ...blocks[at], cache_control: cacheControl } as Anthropic.ContentBlockParam;
  return { ...message, content: blocks } as Anthropic.MessageParam;
}

/**
 * Appends a text block to the last message, after every breakpoint: content that changes every
 * request (the budget note) without moving the cached prefix. Returns a new messages array.
 */
export function appendUncachedText(
  messages: readonly Anthropic.MessageParam[],
  text: string,
): Anthropic.MessageParam[] {
  const out = [...messages];
  const last = out.at(-1);
  // Only a user message: text after an assistant message would be a prefill of the reply.
  if (!last || last.role !== 'user') return out;
  const blocks: Anthropic.ContentBlockParam[] =
    typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : [...last.content];
  out[out.length - 1] = { ...last, content: [...blocks, { type: 'text', text }] };
  return out;
}

/**
 * The offline model's "thinking": a pure function from a request to a reply. Every reply names the
 * turn number and a digest of the conversation, so a test can tell which request produced it, and
 * the same request always produces the same reply.
 *
 * Behaviours, in order of precedence:
 * 1. the last user message holds a tool result: quote the start of it;
 * 2. `[[use_tool=NAME {json}]]` and the request offers NAME: a short text, then a `tool_use` block;
 * 3. otherwise: quote the start of the last user message's text.
 * In every case `[[reply_tokens=N]]` pads the reply with filler words to about N tokens.
 * See `directives.ts` for the directive syntax.
 */
import { createHash } from 'node:crypto';
import { countTextTokens, truncateToTokens } from '../tokenizer';
import { parseDirectives, withoutDirectives } from './directives';
import { fillerWords } from './filler-text';
import { signThinking, thinkingOn } from './thinking';
import type { MessagesRequest } from './messages-request';
import {
  conversationDigest,
  lastUserMessage,
  newestTextOf,
  toolResultText,
  toolResultsOf,
  userTurnCount,
} from './request-facts';

/** A block of a reply, in the API's response shape. */
export type ReplyBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** What the offline model says, before `max_tokens` is applied. */
export interface OfflineReply {
  content: ReplyBlock[];
  /** `max_tokens` only when a script says so; the budget itself is applied later. */
  stop_reason: 'end_turn' | 'tool_use' | 'max_tokens';
}

/** How much of the user's words a reply quotes: enough to recognise, short enough to read in a log. */
export const EXCERPT_CHARS = 80;

/** Length of the digest shown in replies; 8 hex digits tell conversations apart in any test. */
export const SHORT_DIGEST_CHARS = 8;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS)}…`;
}

/** A stable `toolu_…` id, so that a replayed request calls the tool with the same id. */
/**
 * The call to make again after a tool result, when the user's last text message asked for it with
 * `[[repeat_tool]]` next to its `[[use_tool=…]]` (and the request still offers and allows tools).
 */
function repeatedToolCall(
  request: MessagesRequest,
): { name: string; input: Record<string, unknown> } | undefined {
  if (request.tool_choice === 'none') return undefined;
  const asked = request.messages.findLast((m) => m.role === 'user' && newestTextOf(m.content) !== '');
  const directives = parseDirectives(asked ? newestTextOf(asked.content) : '');
  const tool = directives.useTool;
  if (!directives.repeatTool || tool === undefined || 'problem' in tool) return undefined;
  return (request.tools ?? []).some((t) => t.name === tool.name) ? tool : undefined;
}

function toolUseId(digest: string, name: string): string {
  return `toolu_offline_${createHash('sha256').update(`${digest}:${name}`).digest('hex').slice(0, 20)}`;
}

/**
 * Pads (or cuts) `text` to `target` tokens with filler words. The filler never needs to exceed what
 * `max_tokens` lets through plus one token (enough to trigger the cut), which keeps a huge directive
 * cheap.
 */
function padToTokens(text: string, target: number, maxTokens: number | undefined, seed: string): string {
  const goal = maxTokens === undefined ? target : Math.min(target, maxTokens + 1);
  const missing = goal - countTextTokens(text);
  return missing > 0 ? text + fillerWords(missing, seed) : truncateToTokens(text, goal);
}

/**
 * Computes the offline model's reply to a validated request. Pure and deterministic: it depends on
 * nothing but the request.
 * @example replyFor(request).content[0] // { type: 'text', text: 'Offline reply to turn 1 (digest 3f2a9c1e): "hello"' }
 */
export function replyFor(request: MessagesRequest): OfflineReply {
  const digest = conversationDigest(request);
  const tag = `turn ${userTurnCount(request.messages)}, digest ${digest.slice(0, SHORT_DIGEST_CHARS)}`;
  const last = lastUserMessage(request.messages);
  const userText = last ? newestTextOf(last.content) : '';
  const directives = parseDirectives(userText);
  const toolResult = last ? toolResultsOf(last.content)[0] : undefined;

  let text: string;
  let toolUse: Extract<ReplyBlock, { type: 'tool_use' }> | undefined;
  const repeat = toolResult !== undefined ? repeatedToolCall(request) : undefined;
  if (repeat !== undefined) {
    text = `Calling tool ${repeat.name} again (${tag}).`;
    toolUse = {
      type: 'tool_use',
      id: toolUseId(digest, repeat.name),
      name: repeat.name,
      input: repeat.input,
    };
  } else if (toolResult !== undefined) {
    const kind = toolResult.is_error === true ? 'Tool error' : 'Tool result';
    text = `${kind} received (${tag}): "${excerpt(toolResultText(toolResult))}"`;
  } else if (directives.useTool !== undefined && request.tool_choice === 'none') {
    text = `Not calling ${directives.useTool.name} (${tag}): tool_choice is none, so I answer without tools.`;
  } else if (directives.useTool !== undefined) {
    const { name } = directives.useTool;
    const offered = (request.tools ?? []).map((t) => t.name);
    if ('problem' in directives.useTool) {
      text = `Cannot call tool ${name} (${tag}): ${directives.useTool.problem}.`;
    } else if (!offered.includes(name)) {
      text = `Cannot call tool ${name} (${tag}): the request offers ${offered.length > 0 ? `only ${offered.join(', ')}` : 'no tools'}.`;
    } else {
      text = `Calling tool ${name} (${tag}).`;
      toolUse = { type: 'tool_use', id: toolUseId(digest, name), name, input: directives.useTool.input };
    }
  } else {
    text = `Offline reply to ${tag}: "${excerpt(withoutDirectives(userText))}"`;
  }

  if (directives.replyTokens !== undefined) {
    text = padToTokens(text, directives.replyTokens, request.max_tokens, digest);
  }
  if (directives.say !== undefined && toolResult === undefined) text = `${text}\n${directives.say}`;
  const content: ReplyBlock[] = [];
  if (thinkingOn(request)) {
    // Thinking comes first, as with the API; short, and within the budget when there is one.
    const budget = request.thinking?.type === 'enabled' ? request.thinking.budget_tokens : 1_024;
    const thinking = truncateToTokens(
      `Thinking about ${tag}: the user wrote "${excerpt(withoutDirectives(userText)) || '(tool results)'}". ` +
        (toolUse ? `Calling ${toolUse.name} first.` : 'A direct answer will do.'),
      budget,
    );
    content.push({ type: 'thinking', thinking, signature: signThinking(thinking) });
  }
  content.push({ type: 'text', text });
  if (toolUse) content.push(toolUse);
  return { content, stop_reason: toolUse ? 'tool_use' : 'end_turn' };
}

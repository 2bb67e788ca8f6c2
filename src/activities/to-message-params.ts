import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, StoredNode } from '../domain/session';

/**
 * Turns a stored conversation path into Messages API `messages`. Consecutive nodes of the same
 * role (the task followed by the first message, a summary followed by kept turns) are merged into
 * one message, because the API expects the roles to alternate.
 *
 * Thinking blocks are sent back only for the turn in progress (the assistant messages after the
 * last message the user wrote): the API needs them, signatures intact, while that turn's tool
 * calls go on, and lets a client leave out those of earlier turns, which then cost nothing.
 */
export function toMessageParams(path: readonly StoredNode[]): Anthropic.MessageParam[] {
  const turnStart = path.findLastIndex(isUserTurnStart);
  const out: Anthropic.MessageParam[] = [];
  path.forEach((node, index) => {
    const keepThinking = index > turnStart;
    const blocks = node.content
      .filter((b) => keepThinking || (b.type !== 'thinking' && b.type !== 'redacted_thinking'))
      .map(toBlockParam);
    // A reply that was all thinking (cut at max_tokens) has nothing left to send.
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === node.role) {
      (last.content as Anthropic.ContentBlockParam[]).push(...blocks);
    } else {
      out.push({ role: node.role, content: blocks });
    }
  });
  // The API wants a user message first; a compacted context may begin with a pinned assistant turn.
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: '(The conversation continues.)' });
  return out;
}

/** A message the user wrote (not one carrying tool results back). */
function isUserTurnStart(node: StoredNode): boolean {
  return node.role === 'user' && !node.content.some((b) => b.type === 'tool_result');
}

function toBlockParam(block: ContentBlock): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: block.tool_use_id,
        content: block.content,
        ...(block.is_error ? { is_error: true } : {}),
      };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
  }
}

/** Stored blocks from a model response: text, tool calls, and thinking with its signature. */
export function fromResponseContent(content: readonly Anthropic.ContentBlock[]): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const b of content) {
    if (b.type === 'text') blocks.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') {
      blocks.push({
        type: 'tool_use',
        id: b.id,
        name: b.name,
        input: (b.input ?? {}) as Record<string, unknown>,
      });
    } else if (b.type === 'thinking') {
      blocks.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
    } else if (b.type === 'redacted_thinking') {
      blocks.push({ type: 'redacted_thinking', data: b.data });
    }
  }
  return blocks;
}

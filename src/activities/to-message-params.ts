import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, StoredNode } from '../domain/session';

/**
 * Turns a stored conversation path into Messages API `messages`. Consecutive nodes of the same
 * role (the task followed by the first message, a summary followed by kept turns) are merged into
 * one message, because the API expects the roles to alternate.
 */
export function toMessageParams(path: readonly StoredNode[]): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const node of path) {
    const blocks = node.content.map(toBlockParam);
    const last = out.at(-1);
    if (last && last.role === node.role) {
      (last.content as Anthropic.ContentBlockParam[]).push(...blocks);
    } else {
      out.push({ role: node.role, content: blocks });
    }
  }
  // The API wants a user message first; a compacted context may begin with a pinned assistant turn.
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: '(The conversation continues.)' });
  return out;
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
  }
}

/** Stored blocks from a model response (thinking and other block types are not kept). */
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
    }
  }
  return blocks;
}

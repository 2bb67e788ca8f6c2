import type { ContentBlock } from './conversation';

/**
 * The one quick estimate of how many tokens new content adds to a request: about four characters
 * a token for English prose, counting text, tool inputs (as JSON) and tool results. Deterministic
 * and workflow-safe, so the `send` validator, the session's summarize-before-turn check and the
 * model activity's pre-send check all use it and agree. It only turns away what cannot fit and
 * decides when to measure: near the window's limit the activity counts the request exactly
 * (`countTokens`, or the tokenizer offline).
 * @example estimateTokens('abcdefgh') // 2, the same as estimateTokens([{ type: 'text', text: 'abcdefgh' }])
 */
export function estimateTokens(content: string | readonly ContentBlock[]): number {
  const chars =
    typeof content === 'string' ? content.length : content.reduce((sum, b) => sum + blockChars(b), 0);
  return Math.ceil(chars / 4);
}

function blockChars(block: ContentBlock): number {
  switch (block.type) {
    case 'text':
      return block.text.length;
    case 'tool_use':
      return block.name.length + JSON.stringify(block.input).length;
    case 'tool_result':
      return block.content.length;
    case 'thinking':
      return block.thinking.length;
    case 'redacted_thinking':
      return block.data.length;
  }
}

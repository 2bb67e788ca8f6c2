/**
 * Turning an MCP tool result into the text of a `tool_result` block, and keeping it to a size the
 * context can afford. A tool that returns a whole file or a directory tree can be larger than the
 * context window; cutting it with a visible marker tells the model what happened and how to ask
 * for less, where dropping it silently would leave the model guessing.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { formatCount } from '../domain/format';

/** The default largest tool result passed back to the model, in characters. */
export const DEFAULT_MAX_RESULT_CHARS = 20_000;

type ContentItem = CallToolResult['content'][number];

function itemText(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return item.text;
    case 'image':
    case 'audio':
      // Base64 media is useless as text and huge; say what it was instead.
      return `[${item.type} (${item.mimeType}), ${formatCount(Math.floor((item.data.length * 3) / 4))} bytes, not shown]`;
    case 'resource':
      return 'text' in item.resource
        ? item.resource.text
        : `[binary resource ${item.resource.uri}${item.resource.mimeType ? ` (${item.resource.mimeType})` : ''}, not shown]`;
    case 'resource_link':
      return `[resource ${item.uri}${item.name ? ` "${item.name}"` : ''}]`;
    default:
      return JSON.stringify(item);
  }
}

/**
 * The text of a tool result: text items as they are, media and binary resources as a one-line
 * description, and `structuredContent` as JSON when there is no content to show.
 * @example toolResultText({ content: [{ type: 'text', text: 'hi' }] }) // 'hi'
 */
export function toolResultText(result: CallToolResult): string {
  if (result.content.length === 0 && result.structuredContent !== undefined) {
    return JSON.stringify(result.structuredContent);
  }
  return result.content.map(itemText).join('\n');
}

/** A tool result cut to size. */
export interface TruncatedText {
  content: string;
  truncated: boolean;
  /** Length of the whole result, in characters (UTF-16 code units). */
  original_chars: number;
}

/**
 * Keeps `text` to at most `maxChars` characters, marker included: the start of the text, then a
 * line saying how much was cut and how to see the rest. A surrogate pair is never split. The marker
 * alone is about 200 characters, so a smaller `maxChars` yields just the marker.
 * @example truncateText('x'.repeat(50_000), 20_000).content.length // 20000
 */
export function truncateText(text: string, maxChars: number): TruncatedText {
  if (text.length <= maxChars) return { content: text, truncated: false, original_chars: text.length };
  const marker = (kept: number) =>
    `\n\n[baton: tool result truncated. Showing the first ${formatCount(kept)} of ${formatCount(text.length)} characters; ` +
    `${formatCount(text.length - kept)} characters were cut. Ask the tool for less (a narrower query, a range, head/tail) to see the rest.]`;
  // The marker's length depends on the numbers in it, so step down until text and marker fit.
  let kept = Math.max(0, maxChars - marker(maxChars).length);
  while (kept > 0 && kept + marker(kept).length > maxChars) kept -= 1;
  const last = text.charCodeAt(kept - 1);
  if (kept > 0 && last >= 0xd800 && last <= 0xdbff) kept -= 1;
  return { content: text.slice(0, kept) + marker(kept), truncated: true, original_chars: text.length };
}

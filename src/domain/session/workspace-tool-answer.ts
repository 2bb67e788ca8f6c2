import type { WorkspaceToolResult } from '../workspace';
import type { ToolCallRecord } from './requests';
import type { ToolResultBlock } from './conversation';

/**
 * A workspace tool call's answer: the `tool_result` block the model reads, and the record the
 * turn keeps of it (server `workspace`, the call's summary without its `tool: ` prefix).
 * @example workspaceToolAnswer('toolu_1', 'tool: bash npm test', result).record.tool // 'bash npm test'
 */
export function workspaceToolAnswer(
  toolUseId: string,
  summary: string,
  result: WorkspaceToolResult,
): { block: ToolResultBlock; record: ToolCallRecord } {
  return {
    block: {
      type: 'tool_result',
      tool_use_id: toolUseId,
      content: result.content,
      ...(result.is_error ? { is_error: true } : {}),
    },
    record: {
      server: 'workspace',
      tool: summary.replace(/^tool: /, ''),
      is_error: result.is_error,
      truncated: result.truncated,
      result_chars: result.original_chars,
    },
  };
}

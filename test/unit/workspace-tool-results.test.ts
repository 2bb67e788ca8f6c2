import { describe, expect, it } from 'vitest';
import { workspaceToolAnswer } from '../../src/domain/session';
import { interruptedToolResult, refusedToolResult } from '../../src/domain/workspace';

describe('workspace tool results the workflow makes itself', () => {
  it('tells the model an interrupted call was not run again and to check the files', () => {
    const result = interruptedToolResult('tool: bash npm test');
    expect(result.status).toBe('interrupted');
    expect(result.is_error).toBe(true);
    expect(result.content).toContain('tool: bash npm test was interrupted');
    expect(result.content).toContain('git status');
    expect(result.original_chars).toBe(result.content.length);
  });

  it('passes a refusal on to the model as an error result with its reason', () => {
    const result = refusedToolResult('The user did not allow `rm -rf /`.');
    expect(result).toMatchObject({
      content: 'The user did not allow `rm -rf /`.',
      is_error: true,
      status: 'refused',
      truncated: false,
    });
    expect(result.original_chars).toBe(34);
  });
});

describe('workspaceToolAnswer', () => {
  it("answers the model's call by its id and records the call under the workspace server", () => {
    const answer = workspaceToolAnswer('toolu_7', 'tool: bash npm test', {
      content: 'x'.repeat(40),
      is_error: false,
      status: 'completed',
      truncated: true,
      original_chars: 90_000,
      duration_ms: 12,
    });
    expect(answer.block).toEqual({ type: 'tool_result', tool_use_id: 'toolu_7', content: 'x'.repeat(40) });
    expect(answer.record).toEqual({
      server: 'workspace',
      tool: 'bash npm test',
      is_error: false,
      truncated: true,
      result_chars: 90_000,
    });
  });

  it('marks an error result as an error for the model', () => {
    const answer = workspaceToolAnswer('toolu_8', 'tool: edit a.ts', refusedToolResult('outside the folder'));
    expect(answer.block.is_error).toBe(true);
    expect(answer.record.is_error).toBe(true);
  });
});

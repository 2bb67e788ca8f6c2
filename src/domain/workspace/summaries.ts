/**
 * One-line summaries of workspace tool calls, for the Temporal UI's activity summaries and the
 * CLI's progress lines: `tool: edit src/rate-limiter.ts`, `tool: bash npm test`.
 */
import { BASH_TOOL_NAME, EDITOR_TOOL_NAME } from './tool-schemas';

/** Longest command shown in a summary; the rest is cut with an ellipsis. */
export const SUMMARY_COMMAND_CHARS = 60;

function clip(text: string, max = SUMMARY_COMMAND_CHARS): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  const more = line.length < text.trim().length;
  if (line.length <= max) return more ? `${line} …` : line;
  return `${line.slice(0, max - 1)}…`;
}

const VERBS: Record<string, string> = { view: 'view', create: 'create', str_replace: 'edit', insert: 'edit' };

/**
 * The summary of one workspace tool call, from the model's `tool_use` name and input (which may be
 * malformed: the summary is shown before the input is checked).
 * @example toolCallSummary('str_replace_based_edit_tool', { command: 'str_replace', path: 'src/x.ts' }) // 'tool: edit src/x.ts'
 * @example toolCallSummary('bash', { command: 'npm test' }) // 'tool: bash npm test'
 */
export function toolCallSummary(name: string, input: unknown): string {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  if (name === EDITOR_TOOL_NAME) {
    const verb = typeof fields.command === 'string' ? VERBS[fields.command] : undefined;
    const path = typeof fields.path === 'string' ? clip(fields.path, 80) : undefined;
    return verb && path ? `tool: ${verb} ${path}` : 'tool: editor (invalid input)';
  }
  if (name === BASH_TOOL_NAME) {
    if (fields.restart === true) return 'tool: bash (restart)';
    return typeof fields.command === 'string'
      ? `tool: bash ${clip(fields.command)}`
      : 'tool: bash (invalid input)';
  }
  return `tool: ${name}`;
}

/** The summary of a verification run: `verify: npm test`. */
export function verifySummary(command: string): string {
  return `verify: ${clip(command)}`;
}

/**
 * Keeping command output to a size the context can afford. Workspace tool results are context of
 * class temporary (like MCP results): compaction drops them first, leaving a stub. Command output
 * is cut in the middle, because its end (the test summary, the error) matters most and its start
 * (what ran) next.
 */
import { formatCount } from '../format';

/** Class of the context a workspace tool result is stored as. */
export const WORKSPACE_RESULT_CLASS = 'temporary' as const;

/** Default longest tool result passed back to the model, in characters (as for MCP results). */
export const DEFAULT_MAX_OUTPUT_CHARS = 20_000;

/** Smaller limits would leave room for little but the truncation marker. */
export const MIN_OUTPUT_CHARS = 1_000;

/** Output cut to size. */
export interface CutOutput {
  content: string;
  truncated: boolean;
  /** Length of the whole output, in characters (UTF-16 code units). */
  original_chars: number;
}

const n = formatCount;

/** `end` moved back by one when it would split a surrogate pair. */
function safeEnd(text: string, end: number): number {
  const c = text.charCodeAt(end - 1);
  return end > 0 && c >= 0xd800 && c <= 0xdbff ? end - 1 : end;
}
function safeStart(text: string, start: number): number {
  const c = text.charCodeAt(start);
  return c >= 0xdc00 && c <= 0xdfff ? start + 1 : start;
}

/**
 * Keeps `text` to at most `maxChars` characters, marker included: the first quarter and the last
 * three quarters of what fits, and between them a line saying how much was cut and how to see it.
 * @example cutOutput('x'.repeat(50_000), 20_000).content.length <= 20_000 // true
 */
export function cutOutput(text: string, maxChars = DEFAULT_MAX_OUTPUT_CHARS): CutOutput {
  if (text.length <= maxChars) return { content: text, truncated: false, original_chars: text.length };
  const marker = (cut: number) =>
    `\n\n[baton: output truncated: ${n(cut)} of ${n(text.length)} characters cut from the middle. ` +
    'Redirect the output to a file and view parts of it (or use head, tail, grep) to see the rest.]\n\n';
  let room = Math.max(0, maxChars - marker(text.length).length);
  let head = safeEnd(text, Math.floor(room / 4));
  let tailStart = safeStart(text, text.length - (room - Math.floor(room / 4)));
  // The marker's numbers can only shrink, so one pass fits; the loop guards the arithmetic.
  while (head + (text.length - tailStart) + marker(tailStart - head).length > maxChars && room > 0) {
    room -= 1;
    head = safeEnd(text, Math.floor(room / 4));
    tailStart = safeStart(text, text.length - (room - Math.floor(room / 4)));
  }
  return {
    content: text.slice(0, head) + marker(tailStart - head) + text.slice(tailStart),
    truncated: true,
    original_chars: text.length,
  };
}

/**
 * The last `maxLines` lines of `text`, at most `maxChars` characters: what a verification keeps of
 * a test run's output for the phase result and `spec status`.
 * @example outputTail('a\nb\nc\n', 2) // 'b\nc'
 */
export function outputTail(text: string, maxLines = 40, maxChars = 4_000): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  let tail = lines.slice(-maxLines).join('\n');
  if (tail.length > maxChars) tail = `…${tail.slice(safeStart(tail, tail.length - maxChars + 1))}`;
  return tail;
}

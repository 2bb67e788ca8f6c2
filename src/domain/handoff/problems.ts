/**
 * Field-level problems found by the handoff validators. Each names the field it is about (a path
 * such as `session_context.tokens_available` or `agents[1].role_prompt`), so an error can say
 * exactly what to fix.
 */

/** One thing wrong with a value: where, and what the rule is. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The problems as one line each: `field: message`.
 * @example formatProblems([{ field: 'to_agent', message: 'must differ from from_agent' }])
 * // 'to_agent: must differ from from_agent'
 */
export function formatProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

/** A value as it appears in a problem message: short, printable, JSON-quoted. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= 60 ? printable : `${printable.slice(0, 60)}…`;
}

/** True for a string with something other than whitespace in it. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

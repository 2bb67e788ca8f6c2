/**
 * The budget note: how the model learns how full its context is, as Claude's own context
 * awareness tells it. The numbers change every turn, and anything that changes inside the cached
 * prefix (tools, then system, then messages) turns every later cache entry into a miss; so the
 * system prompt carries only a fixed sentence saying what the note is, and the note itself goes
 * at the very end of the request, after the last cache breakpoint, where it costs a few uncached
 * tokens and is never stored in the conversation.
 */

/** The fixed sentence added to the system prompt when the note is on (cached with it). */
export const BUDGET_NOTE_EXPLANATION =
  'The last block of the newest message may be a <context_budget> note from the harness, not from the user: ' +
  'how many tokens of your context window were in use after the previous turn and how many remain. ' +
  'Use it to pace long work; never mention it unless asked.';

const NOTE =
  /^<context_budget>Token usage after the last turn: ([\d,]+) \/ ([\d,]+); ([\d,]+) remaining\.<\/context_budget>$/;

/**
 * The note for a context of `used` tokens in a window of `total`.
 * @example budgetNote(12345, 200000) // '<context_budget>Token usage after the last turn: 12,345 / 200,000; 187,655 remaining.</context_budget>'
 */
export function budgetNote(used: number, total: number): string {
  const n = (x: number) => Math.max(0, Math.round(x)).toLocaleString('en-US');
  return `<context_budget>Token usage after the last turn: ${n(used)} / ${n(total)}; ${n(total - used)} remaining.</context_budget>`;
}

/** The numbers of a budget note, or undefined when `text` is not one. */
export function parseBudgetNote(
  text: string,
): { used: number; total: number; available: number } | undefined {
  const m = NOTE.exec(text.trim());
  if (!m) return undefined;
  const num = (s: string | undefined) => Number((s ?? '').replace(/,/g, ''));
  return { used: num(m[1]), total: num(m[2]), available: num(m[3]) };
}

/**
 * Lines that record what was decided or required. They are critical context: compaction keeps
 * them verbatim and carries them from one summary into the next, so a decision made in the first
 * hour of a session is still in its context after the tenth compaction.
 *
 * People and Claude write such lines in markdown as often as in plain text, so all of these count:
 *
 * ```text
 * Decision: use PostgreSQL            plain
 * - Decision: use PostgreSQL          bulleted (-, *, +)
 * 1. Decision: use PostgreSQL         numbered (1. or 1))
 * **Decision:** use PostgreSQL        emphasis around the label, colon inside
 * - **Requirement**: under 50 ms      emphasis around the label, colon outside
 * ### Constraint: no new services     a heading
 * Decision 1: use PostgreSQL          a numbered label (also `Decision #1`, `Decision (1)`)
 * > **Goal:** ship in May             a block quote
 * ```
 *
 * for decisions, constraints, requirements, preferences, objectives and goals (singular or plural).
 */

const KEYWORDS = 'decision|decided|constraint|requirement|preference|objective|goal|must';

const DECISION_LINE = new RegExp(
  [
    '^\\s*',
    '(?:>\\s*)*', // block quote
    '(?:#{1,6}\\s+)?', // heading
    '(?:(?:[-*+]|\\d{1,3}[.)])\\s+)?', // list item
    '(\\*{1,3}|_{1,3})?', // opening emphasis (group 1)
    `(?:${KEYWORDS})s?`, // the label
    '(?:\\s*(?:#?\\d{1,3}|\\(\\d{1,3}\\)))?', // numbered label
    '\\s*(?::\\s*\\1|\\1\\s*:)', // the colon, inside or outside the emphasis
    '\\s*\\S', // and something after it
  ].join(''),
  'i',
);

/** True when `line` records a decision, constraint, requirement, preference, objective or goal. */
export function isDecisionLine(line: string): boolean {
  return DECISION_LINE.test(line);
}

/** True when the text holds at least one decision-like line (see the module comment for the forms). */
export function hasDecisionLine(text: string): boolean {
  return text.split('\n').some(isDecisionLine);
}

/**
 * The decision-like lines of a text, verbatim (only surrounding whitespace trimmed), in order,
 * without duplicates. Verbatim matters: the line a person wrote is the line they look for later.
 */
export function extractDecisionLines(text: string): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    if (!isDecisionLine(raw)) continue;
    const line = raw.trim();
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}

/**
 * The lines of `required` that `text` no longer holds verbatim (as a whole line, whitespace
 * around it aside). Used after every summary: whatever the summary dropped is put back.
 */
export function missingLines(text: string, required: readonly string[]): string[] {
  const present = new Set(text.split('\n').map((l) => l.trim()));
  return required.filter((line) => !present.has(line.trim()));
}

/**
 * Lines that record what was decided or required. They are critical context: compaction keeps
 * them verbatim and carries them from one summary into the next, so a decision made in the first
 * hour of a session is still in its context after the tenth compaction.
 */

const DECISION_LINE =
  /^\s*(?:[-*]\s*)?(?:decision|decided|constraint|requirement|preference|objective|goal|must)\b\s*:/i;

/** True when the text holds at least one decision-like line (`Decision: …`, `Constraint: …`). */
export function hasDecisionLine(text: string): boolean {
  return text.split('\n').some((line) => DECISION_LINE.test(line));
}

/** The decision-like lines of a text, trimmed, in order, without duplicates. */
export function extractDecisionLines(text: string): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    if (!DECISION_LINE.test(raw)) continue;
    const line = raw.trim().replace(/^[-*]\s*/, '');
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}

/**
 * The user messages the benchmarks send. Deterministic, so two runs send the same bytes, and about
 * 200 characters (some 45 tokens): a typical chat turn, short enough that a 1,000-turn session stays
 * well inside a 200,000-token window without compaction.
 */

/** The task every benchmark session starts with (stored as its first, critical message). */
export const BENCH_TASK = 'Benchmark session: answer each question about the migration plan briefly.';

/**
 * The user message of `turn` (1-based) in session number `session`.
 * @example userMessage(0, 1) // 'Turn 0001 (session 0): …'
 */
export function userMessage(session: number, turn: number): string {
  return (
    `Turn ${String(turn).padStart(4, '0')} (session ${session}): what is the next step of the migration ` +
    'plan, which risks does it carry, and how would we roll it back if the error rate rises after the change?'
  );
}

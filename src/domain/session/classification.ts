/**
 * Context classification: which messages compaction keeps verbatim (critical), summarizes
 * (supporting) or drops to a stub (temporary).
 *
 * Heuristic, applied when the caller does not tag a message:
 * - pinned messages, the session task, summaries and merge notes are critical;
 * - a message with a line that records a decision, constraint, requirement, preference, objective
 *   or goal (`Decision: …`, `Constraint: …`) is critical;
 * - tool results are temporary (raw tool output);
 * - everything else (ordinary dialogue, references) is supporting.
 */
import type { ContentBlock, ContextClass, NodeKind, Role } from './conversation';
import { textOf } from './conversation';
import { hasDecisionLine } from './decisions';

export interface ClassificationInput {
  role: Role;
  kind: NodeKind;
  content: readonly ContentBlock[];
  explicit?: ContextClass | undefined;
  pinned?: boolean | undefined;
}

/** The context class of a message about to be stored. */
export function classifyMessage(input: ClassificationInput): ContextClass {
  if (input.pinned) return 'critical';
  if (input.explicit) return input.explicit;
  if (input.kind === 'task' || input.kind === 'summary' || input.kind === 'merge') return 'critical';
  if (input.content.some((b) => b.type === 'tool_result')) return 'temporary';
  if (hasDecisionLine(textOf(input.content))) return 'critical';
  return 'supporting';
}

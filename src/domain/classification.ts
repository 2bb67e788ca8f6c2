/**
 * Context classification: which messages compaction keeps verbatim (critical), summarizes
 * (supporting) or drops to a stub (temporary).
 *
 * Heuristic, applied when the caller does not tag a message:
 * - the session task, summaries' decisions and pinned messages are critical;
 * - tool results are temporary (raw tool output);
 * - everything else (ordinary dialogue) is supporting.
 */
import type { ContentBlock, ContextClass, NodeKind, Role } from './conversation';

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
  if (input.kind === 'task') return 'critical';
  if (input.content.some((b) => b.type === 'tool_result')) return 'temporary';
  return 'supporting';
}

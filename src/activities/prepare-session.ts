import type { ActivityDeps } from './activity-deps';
import { toMessageParams } from './to-message-params';

export interface PrepareSessionInput {
  session_id: string;
  model_id: string;
  system?: string;
  /** Existing head to start from (fork, resume, import, rollover), or null. */
  head: string | null;
  /** The task, stored as the first, critical message when the session starts empty. */
  task?: string;
}

export interface PrepareSessionResult {
  head: string | null;
  /** Tokens the context holds before the first turn (system prompt, task, inherited history). */
  context_tokens: number;
}

/**
 * Readies a session's first run: stores the task as a critical message and measures the context,
 * so that `status` shows a true budget before anything is sent. Idempotent.
 */
export function createPrepareSession(deps: ActivityDeps) {
  return async function prepareSession(input: PrepareSessionInput): Promise<PrepareSessionResult> {
    let head = input.head;
    if (input.task && head === null) {
      ({ head } = await deps.store.append(null, [
        {
          role: 'user',
          content: [{ type: 'text', text: input.task }],
          meta: { kind: 'task', class: 'critical' },
        },
      ]));
    }
    if (head === null) {
      // The API counts only requests with a message, so a one-character placeholder stands in;
      // it overstates the system prompt by a token or two, which errs on the safe side.
      const systemOnly = input.system
        ? await deps.countTokens({
            model: input.model_id,
            system: input.system,
            messages: [{ role: 'user', content: '.' }],
          })
        : 0;
      return { head, context_tokens: systemOnly };
    }
    const path = await deps.store.path(head);
    const context_tokens = await deps.countTokens({
      model: input.model_id,
      messages: toMessageParams(path),
      ...(input.system ? { system: input.system } : {}),
    });
    return { head, context_tokens };
  };
}

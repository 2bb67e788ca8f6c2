import { mergeUpdate, type MergeResult, type MergeStrategy } from '../domain/session';
import { mergeStrategyProblem, selfMergeProblem } from '../domain/session';
import { InvalidInputError } from './errors';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { readSessionState } from './session-state';
import { executeSessionUpdate } from './session-updates';

/**
 * Merges `forkId`'s work into `mainId`: fast-forward when main has not moved since the fork point,
 * otherwise (or with strategy `summary`) a summary of what the fork decided and produced.
 * @throws InvalidInputError for a session merged with itself or a fork with no messages;
 * SessionRequestError when the sessions share no history or fast-forward is impossible.
 */
export async function mergeSession(
  ctx: SessionContext,
  mainId: string,
  forkId: string,
  options: { strategy?: MergeStrategy } = {},
): Promise<MergeResult> {
  assertSessionId(mainId);
  assertSessionId(forkId);
  const problem = selfMergeProblem(mainId, forkId) ?? mergeStrategyProblem(options.strategy);
  if (problem) throw new InvalidInputError(problem);
  const fork = await readSessionState(ctx, forkId);
  if (fork.status.head === null)
    throw new InvalidInputError(`Session ${forkId} has no messages: nothing to merge.`);
  return executeSessionUpdate(ctx, mainId, mergeUpdate, [
    {
      fork_session_id: forkId,
      fork_head: fork.status.head,
      ...(options.strategy ? { strategy: options.strategy } : {}),
    },
  ]);
}

import { closeUpdate, mergeUpdate, type MergeResult, type MergeStrategy } from '../domain/session';
import { mergeStrategyProblem, selfMergeProblem } from '../domain/session';
import { InvalidInputError, SessionNotFoundError, SessionRequestError } from './errors';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { readDefinition, readSessionState } from './session-state';
import { executeSessionUpdate } from './session-updates';

export interface MergeOptions {
  strategy?: MergeStrategy;
  /** Close the other forks of the exploration the merged fork came from (`baton session explore`). */
  close_others?: boolean;
}

/** A merge, and with `close_others` what became of the exploration's other forks. */
export type MergeOutcome = MergeResult & {
  /** The other forks of the exploration that this merge closed. */
  closed_forks?: string[];
  /** Forks that could not be closed, and why (they keep running). */
  not_closed?: { session_id: string; error: string }[];
};

/**
 * Merges `forkId`'s work into `mainId`: fast-forward when main has not moved since the fork point,
 * otherwise (or with strategy `summary`) a summary of what the fork decided and produced. With
 * `close_others`, then closes the other forks of the exploration `forkId` came from; forks closed
 * already are left as they are.
 * @throws InvalidInputError for a session merged with itself, a fork with no messages, or
 * `close_others` for a fork that `explore` did not make (nothing is merged then);
 * SessionRequestError when the sessions share no history or fast-forward is impossible.
 */
export async function mergeSession(
  ctx: SessionContext,
  mainId: string,
  forkId: string,
  options: MergeOptions = {},
): Promise<MergeOutcome> {
  assertSessionId(mainId);
  assertSessionId(forkId);
  const problem = selfMergeProblem(mainId, forkId) ?? mergeStrategyProblem(options.strategy);
  if (problem) throw new InvalidInputError(problem);
  const fork = await readSessionState(ctx, forkId);
  if (fork.status.head === null)
    throw new InvalidInputError(`Session ${forkId} has no messages: nothing to merge.`);
  let siblings: string[] = [];
  if (options.close_others) {
    const explored = (await readDefinition(ctx, forkId)).lineage?.explore_forks;
    if (!explored) {
      throw new InvalidInputError(
        `${forkId} was not made by \`baton session explore\`, so it has no other forks to close; ` +
          `merge without --close-others, and close sessions with \`baton session close <id>\`.`,
      );
    }
    siblings = explored.filter((id) => id !== forkId && id !== mainId);
  }
  const merged = await executeSessionUpdate(ctx, mainId, mergeUpdate, [
    {
      fork_session_id: forkId,
      fork_head: fork.status.head,
      ...(options.strategy ? { strategy: options.strategy } : {}),
    },
  ]);
  if (!options.close_others) return merged;
  const closed: string[] = [];
  const notClosed: { session_id: string; error: string }[] = [];
  for (const id of siblings) {
    try {
      await executeSessionUpdate(ctx, id, closeUpdate, []);
      closed.push(id);
    } catch (err) {
      // Closed (or gone) already: nothing left to do for it.
      if (err instanceof SessionNotFoundError) continue;
      if (err instanceof SessionRequestError && /closed/i.test(err.message)) continue;
      notClosed.push({ session_id: id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { ...merged, closed_forks: closed, ...(notClosed.length ? { not_closed: notClosed } : {}) };
}

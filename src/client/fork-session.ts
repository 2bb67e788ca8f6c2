import { randomInt } from 'node:crypto';
import { tokenBudget, type TokenBudget } from '../domain/session';
import type { SendResult, SessionInput, SessionLineage, SessionSnapshot } from '../domain/session';
import { checkpointUpdate, newSessionId, type CheckpointRecord } from '../domain/session';
import type { HeldWorkspace, WorkspaceRequest } from '../domain/workspace';
import { executeSessionUpdate } from './session-updates';
import { InvalidInputError } from './errors';
import { assertSessionId } from './input-checks';
import type { SessionContext } from './session-context';
import { findCheckpoint, readSnapshot } from './session-state';
import {
  startSessionRun,
  startSessionWithMessage,
  type StartRunOptions,
  type StartSessionResult,
} from './start-session-run';

export interface ForkOptions {
  /** Fork at this checkpoint (id or name) instead of the parent's current head. */
  at?: string;
  /** The fork's id; `sess_` + random hex when omitted. */
  id?: string;
}

export type ForkResult = StartSessionResult & { lineage: SessionLineage };

/**
 * A new session that starts where another one is (or was, at a checkpoint): free, like a git
 * branch, because both share the same stored nodes. Both sessions' status show the lineage. It
 * costs two round trips: one query for the parent's snapshot, and the start with its `ready`
 * update; the fork inherits the parent's context fill at that head, so it runs no activity.
 * @throws SessionExistsError when `id` is taken; InvalidInputError for an unknown checkpoint or a
 * parent with no messages yet.
 */
export async function forkSession(
  ctx: SessionContext,
  parentId: string,
  options: ForkOptions = {},
): Promise<ForkResult> {
  const { parent, at } = await withFilesCheckpoint(
    ctx,
    parentId,
    await readSnapshot(ctx, parentId, 'fork'),
    options.at,
  );
  const plan = planFork(parentId, parent, { ...options, ...(at ? { at } : {}) });
  const started = await startSessionRun(ctx, plan.input, plan.run);
  return { ...started, lineage: plan.lineage };
}

/** What a fork starts with: its input (head, lineage, the parent's definition and fill) and UI text. */
interface ForkPlan {
  input: SessionInput;
  run: StartRunOptions;
  lineage: SessionLineage;
}

function planFork(
  parentId: string,
  parent: SessionSnapshot,
  options: ForkOptions,
  exploreForks?: string[],
): ForkPlan {
  const forkId = options.id ?? newSessionId(() => randomInt(16) / 16);
  assertSessionId(forkId);
  if (forkId === parentId) throw new InvalidInputError(`A fork needs an id of its own, not ${parentId}'s.`);
  const checkpoint =
    options.at === undefined ? undefined : findCheckpoint(parent.checkpoints, options.at, parentId);
  const head = checkpoint ? checkpoint.head : parent.status.head;
  if (head === null) {
    throw new InvalidInputError(
      `Session ${parentId} has no messages yet at that point; there is nothing to fork.`,
    );
  }
  const lineage: SessionLineage = {
    parent_session_id: parentId,
    fork_head: head,
    ...(checkpoint ? { checkpoint_id: checkpoint.checkpoint_id } : {}),
    ...(exploreForks ? { explore_forks: exploreForks } : {}),
  };
  const definition = parent.definition;
  return {
    input: {
      session_id: forkId,
      model: definition.model,
      settings: definition.settings,
      head,
      // The parent's fill at that head, as the API reported it: the fork need not count again.
      context_tokens: checkpoint ? checkpoint.context_tokens : parent.status.tokens_used,
      lineage,
      ...(definition.system ? { system: definition.system } : {}),
      ...(definition.mcp_servers ? { mcp_servers: definition.mcp_servers } : {}),
      ...(definition.workspace
        ? { workspace: forkWorkspace(parentId, definition.workspace, parent.status.workspace, checkpoint) }
        : {}),
    },
    run: {
      summary: `session ${forkId} · fork of ${parentId}`,
      details: `Forked from **${parentId}**${checkpoint ? ` at checkpoint ${checkpoint.name}` : ''} (head ${head.slice(0, 12)}).`,
    },
    lineage,
  };
}

/**
 * A parent with a workspace is forked at a checkpoint that holds its files: without one named, a
 * checkpoint of the present is taken first (its files committed), and the forks start there.
 */
async function withFilesCheckpoint(
  ctx: SessionContext,
  parentId: string,
  parent: SessionSnapshot,
  at: string | undefined,
): Promise<{ parent: SessionSnapshot; at: string | undefined }> {
  if (!parent.definition.workspace || at !== undefined) return { parent, at };
  const record = await executeSessionUpdate(ctx, parentId, checkpointUpdate, [{}]);
  return { parent: { ...parent, checkpoints: [...parent.checkpoints, record] }, at: record.checkpoint_id };
}

/**
 * A fork's workspace: a worktree of the parent's folder at the checkpoint's commit, on the
 * parent's worker, on a branch of its own (so forks try things side by side and a merge brings
 * the chosen one's commits back).
 */
function forkWorkspace(
  parentId: string,
  request: WorkspaceRequest,
  held: HeldWorkspace | undefined,
  checkpoint: CheckpointRecord | undefined,
): WorkspaceRequest {
  if (!held || !checkpoint?.workspace) {
    throw new InvalidInputError(
      `Checkpoint ${checkpoint?.name ?? '(none)'} of ${parentId} holds no files of its workspace (it was taken before ` +
        `the workspace was claimed). Fork at a later checkpoint, or without --at to fork at the present.`,
    );
  }
  const { fork_of: _parentSource, ...own } = request;
  return {
    ...own,
    fork_of: {
      path: held.path,
      task_queue: held.task_queue,
      worker: held.worker,
      sandbox: held.sandbox,
      checkpoint: checkpoint.workspace,
    },
  };
}

/** One variant of an exploration: the fork that ran it and what came back. */
export interface ExploreVariant {
  variant: string;
  session_id: string;
  reply: string;
  usage: SendResult['usage'];
  cost_usd: number;
  token_budget: TokenBudget;
  error?: string;
}

export interface ExploreResult {
  parent_session_id: string;
  variants: ExploreVariant[];
}

/**
 * Parallel exploration: one fork per variant, each started together with its variant's message
 * (update-with-start), all at once. The parent is read once. A variant that fails is reported
 * with its error; the others still complete.
 */
export async function exploreSession(
  ctx: SessionContext,
  parentId: string,
  variants: readonly string[],
  options: { at?: string } = {},
): Promise<ExploreResult> {
  if (variants.length === 0) throw new InvalidInputError('Give at least one variant to explore.');
  if (variants.some((v) => v.trim() === ''))
    throw new InvalidInputError('A variant is empty: each needs a message.');
  const tag = Array.from({ length: 4 }, () => randomInt(16).toString(16)).join('');
  // Each fork knows its siblings, so `merge --close-others` can close the ones not merged.
  const ids = variants.map((_, i) => `${parentId.slice(0, 100)}-x${tag}-${i + 1}`);
  const { parent, at } = await withFilesCheckpoint(
    ctx,
    parentId,
    await readSnapshot(ctx, parentId, 'explore'),
    options.at,
  );
  const plans = ids.map((id) => planFork(parentId, parent, { id, ...(at ? { at } : {}) }, ids));
  const results = await Promise.all(
    plans.map(async (plan, i): Promise<ExploreVariant> => {
      const variant = variants[i]!;
      const session_id = plan.input.session_id;
      try {
        const { reply: r } = await startSessionWithMessage(ctx, plan.input, plan.run, { message: variant });
        return {
          variant,
          session_id,
          reply: r.reply,
          usage: r.usage,
          cost_usd: r.cost_usd,
          token_budget: r.token_budget,
        };
      } catch (err) {
        return {
          variant,
          session_id,
          reply: '',
          usage: {
            input_tokens: 0,
            output_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
          cost_usd: 0,
          token_budget: tokenBudget(plan.input.context_tokens ?? 0, plan.input.model.context_window),
          error: err instanceof Error ? err.message : String(err),
        };
      }
    }),
  );
  return { parent_session_id: parentId, variants: results };
}

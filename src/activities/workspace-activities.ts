/**
 * The workspace activities. `claimWorkspace` runs on the shared task queue and answers with the
 * task queue of the worker that now holds the workspace; every other workspace activity runs on
 * that queue only (Temporal's worker-specific task queue pattern, as in samples-typescript's
 * worker-specific-task-queues), and refuses to run anywhere else, because the files are on that
 * worker's disk.
 *
 * Tool calls are keyed by the model's `tool_use_id` within the workflow run: a retry of a call
 * that completed returns its recorded result, and a call that started and never finished (the
 * worker died) comes back as interrupted instead of running a second time.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../domain/failures';
import {
  type BashToolInput,
  type ClaimWorkspaceInput,
  type ClaimWorkspaceResult,
  type CommitWorkspaceInput,
  type CommitWorkspaceResult,
  type EditorToolInput,
  type ForkWorkspaceInput,
  type ForkWorkspaceResult,
  type MergeWorkspaceInput,
  type MergeWorkspaceResult,
  type RestoreWorkspaceInput,
  type RestoreWorkspaceResult,
  type VerifyWorkspaceInput,
  type VerifyWorkspaceResult,
  type WorkspaceToolResult,
} from '../domain/workspace';
import { BlobNotFoundError } from '../store';
import {
  claimWorkspace as claim,
  commitWorkspace as commit,
  forkWorkspace as fork,
  mergeWorkspace as mergeFork,
  restoreWorkspace as restore,
  runBashTool as bash,
  runEditorTool as editor,
  verifyWorkspace as verify,
  WorkspaceError,
  type WorkspaceHost,
} from '../workspace';

/** What the workspace activities need: the worker's workspace host (undefined: not supported here). */
export interface WorkspaceActivityDeps {
  host: WorkspaceHost | undefined;
}

/** Maps the workspace module's errors to failures Temporal's retry policy can act on. */
function toWorkspaceFailure(err: unknown): unknown {
  if (err instanceof WorkspaceError) {
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: !err.retryable,
      cause: err,
    });
  }
  if (err instanceof BlobNotFoundError) {
    return ApplicationFailure.create({
      type: FailureType.UnknownWorkspaceCommit,
      message: err.message,
      nonRetryable: true,
    });
  }
  return err;
}

/** How often a workspace step heartbeats (the workflow's heartbeat timeout is a few of these). */
const WORKSPACE_HEARTBEAT_MS = 1_000;

/**
 * Builds the workspace activities around the worker's host.
 * @example const worker = await Worker.create({ taskQueue: host.taskQueue, activities: createWorkspaceActivities({ host }) });
 */
export function createWorkspaceActivities(deps: WorkspaceActivityDeps) {
  function hostOrFail(): WorkspaceHost {
    if (deps.host === undefined) {
      throw ApplicationFailure.create({
        type: FailureType.WorkspaceMissing,
        message:
          'This worker was started without workspace support; start it with startWorkerRuntime (or pass `workspaces` to createBatonWorker).',
        nonRetryable: true,
      });
    }
    return deps.host;
  }

  /** Runs `fn` with the host, on the workspace's own queue only, mapping failures. */
  async function onWorkspaceQueue<T>(
    name: string,
    fn: (host: WorkspaceHost, ctx: Context) => Promise<T>,
  ): Promise<T> {
    const host = hostOrFail();
    const ctx = Context.current();
    if (ctx.info.taskQueue !== host.taskQueue) {
      throw ApplicationFailure.create({
        type: FailureType.WorkspaceWrongTaskQueue,
        message:
          `${name} ran on task queue '${ctx.info.taskQueue}', but workspaces live on one worker's disk: schedule it on ` +
          'the task queue claimWorkspace returned (proxyActivities({ taskQueue })).',
        nonRetryable: true,
      });
    }
    // Every workspace step heartbeats while it runs (a commit with its bundle, a restore, a merge
    // can take seconds on a large repository), so a short heartbeat timeout finds a dead worker
    // quickly without failing a slow step of a live one.
    const beat = setInterval(() => ctx.heartbeat(), WORKSPACE_HEARTBEAT_MS);
    try {
      return await fn(host, ctx);
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      throw toWorkspaceFailure(err);
    } finally {
      clearInterval(beat);
    }
  }

  /** The scope of tool_use ids: one workflow run (activities never outlive the run that scheduled them). */
  const scopeOf = (ctx: Context): string => {
    const run = ctx.info.workflowExecution;
    // A standalone activity (no workflow) is its own scope.
    return run ? `${run.workflowId}/${run.runId}` : `activity/${ctx.info.activityId}`;
  };

  const progressOf =
    (ctx: Context, what: Record<string, unknown>) => (p: { output_bytes: number; elapsed_ms: number }) =>
      ctx.heartbeat({ ...what, ...p });

  return {
    /**
     * Prepares the workspace on this worker (initialises a repository, refuses uncommitted changes
     * unless allowed, or recreates it at its last checkpoint) and returns this worker's task queue.
     * Runs on the shared queue.
     * @throws ApplicationFailure `DirtyWorkspace`, `WorkspaceMissing`, `UnknownWorkspaceCommit`, `InvalidWorkspaceInput` (non-retryable).
     */
    async claimWorkspace(input: ClaimWorkspaceInput): Promise<ClaimWorkspaceResult> {
      const host = hostOrFail();
      try {
        return await claim(host, input);
      } catch (err) {
        throw toWorkspaceFailure(err);
      }
    },

    /** One text editor call (view, create, str_replace, insert), once per tool_use_id. */
    runEditorTool(input: EditorToolInput): Promise<WorkspaceToolResult> {
      return onWorkspaceQueue('runEditorTool', (host, ctx) => editor(host, input, { scope: scopeOf(ctx) }));
    },

    /**
     * One bash call in the sandbox, once per tool_use_id; heartbeats while it runs, and a
     * cancellation kills it.
     */
    runBashTool(input: BashToolInput): Promise<WorkspaceToolResult> {
      return onWorkspaceQueue('runBashTool', async (host, ctx) => {
        ctx.heartbeat({ tool_use_id: input.tool_use_id });
        const result = await bash(host, input, {
          scope: scopeOf(ctx),
          signal: ctx.cancellationSignal,
          onProgress: progressOf(ctx, { tool_use_id: input.tool_use_id }),
        });
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        return result;
      });
    },

    /**
     * Runs the test command in the sandbox: {command, exit_code, duration_ms, output_tail, passed}.
     * @throws ApplicationFailure `SandboxUnavailable` (non-retryable) when commands cannot run here.
     */
    verifyWorkspace(input: VerifyWorkspaceInput): Promise<VerifyWorkspaceResult> {
      return onWorkspaceQueue('verifyWorkspace', async (host, ctx) => {
        ctx.heartbeat({ verifying: input.command });
        const { cancelled: _cancelled, ...result } = await verify(host, input, {
          signal: ctx.cancellationSignal,
          onProgress: progressOf(ctx, { verifying: input.command }),
        });
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        return result;
      });
    },

    /** Commits the workspace; with `checkpoint`, stores a bundle of the commit in the conversation store. */
    commitWorkspace(input: CommitWorkspaceInput): Promise<CommitWorkspaceResult> {
      return onWorkspaceQueue('commitWorkspace', (host) => commit(host, input));
    },

    /** Puts the workspace's files back to a commit (from its bundle when the repository lacks it). */
    restoreWorkspace(input: RestoreWorkspaceInput): Promise<RestoreWorkspaceResult> {
      return onWorkspaceQueue('restoreWorkspace', (host) => restore(host, input));
    },

    /** A git worktree on its own branch for a fork, on the same worker. */
    forkWorkspace(input: ForkWorkspaceInput): Promise<ForkWorkspaceResult> {
      return onWorkspaceQueue('forkWorkspace', (host) => fork(host, input));
    },

    /** Merges a fork's branch into the workspace (nothing when the fork has no branch here). */
    mergeWorkspace(input: MergeWorkspaceInput): Promise<MergeWorkspaceResult> {
      return onWorkspaceQueue('mergeWorkspace', (host) => mergeFork(host, input));
    },
  };
}

/** The workspace activities as workflows see them. */
export type WorkspaceActivities = ReturnType<typeof createWorkspaceActivities>;

/**
 * Which worker holds a session's folder, and running a step there. When the worker holding the
 * folder is gone, an activity scheduled on its queue times out before it starts; the folder is
 * then claimed again (another worker recreates it at the last checkpoint) and the step goes on
 * there.
 */
import { ActivityFailure, TimeoutFailure } from '@temporalio/workflow';
import type { HeldWorkspace, WorkspaceCheckpoint, WorkspaceRequest } from '../domain/workspace';
import { claimActivities, workspaceActivities } from './workspace-activities';

/** Default time a workspace call waits for the worker holding the folder. */
const DEFAULT_WORKER_WAIT_MS = 60_000;

/** The workspace activities as scheduled on one worker's queue. */
export type HolderActivities = ReturnType<typeof workspaceActivities>;

/** The folder as held now (worker, queue, sandbox, last checkpoint), and the claims that change it. */
export class WorkspaceHolder {
  private current: HeldWorkspace | undefined;

  constructor(
    private readonly request: WorkspaceRequest,
    carried: HeldWorkspace | undefined,
    /** Called when the held workspace changes. */
    private readonly changed: () => void,
  ) {
    this.current = carried;
  }

  /** The workspace as held now (undefined before the first claim). */
  get held(): HeldWorkspace | undefined {
    return this.current;
  }

  /** Records the folder's last checkpoint (once held), so a new holder recreates it there. */
  setCheckpoint(checkpoint: WorkspaceCheckpoint): void {
    if (!this.current) return;
    this.current = { ...this.current, checkpoint };
    this.changed();
  }

  /**
   * Claims the folder on a worker (initialising a repository, refusing uncommitted changes unless
   * allowed, or recreating it at the last checkpoint) and remembers that worker's queue.
   * @throws the claim's ApplicationFailure (`DirtyWorkspace`, …), which says what to do.
   */
  async claim(): Promise<HeldWorkspace> {
    const claimed = await claimActivities.claimWorkspace.executeWithOptions(
      { summary: `workspace: claim ${this.request.path}` },
      [
        {
          path: this.current?.path ?? this.request.path,
          ...(this.request.allow_dirty ? { allow_dirty: true } : {}),
          ...(this.current?.checkpoint ? { checkpoint: this.current.checkpoint } : {}),
        },
      ],
    );
    this.current = {
      path: claimed.path,
      task_queue: claimed.task_queue,
      worker: claimed.worker,
      sandbox: claimed.sandbox,
      ...(this.current?.checkpoint ? { checkpoint: this.current.checkpoint } : {}),
    };
    this.changed();
    return this.current;
  }

  /**
   * Takes hold of the folder when the run starts: a fork gets a worktree of its parent's folder
   * (on the parent's worker), any other session claims its folder.
   */
  async open(sessionId: string): Promise<HeldWorkspace> {
    const source = this.request.fork_of;
    if (!source) return this.claim();
    const forked = await workspaceActivities(source.task_queue, {
      scheduleToStart: `${this.request.worker_wait_ms ?? DEFAULT_WORKER_WAIT_MS} milliseconds`,
    }).forkWorkspace.executeWithOptions({ summary: `workspace: worktree of ${source.path}` }, [
      { path: source.path, fork_id: sessionId, commit: source.checkpoint.commit },
    ]);
    this.current = {
      path: forked.path,
      task_queue: source.task_queue,
      worker: source.worker,
      sandbox: source.sandbox,
      checkpoint: source.checkpoint,
    };
    this.changed();
    return this.current;
  }

  /**
   * Runs a step on the holding worker's queue, claiming the folder first if no worker holds it.
   * When that worker is gone (the step timed out before starting), the folder is claimed again
   * and the step runs on the new holder, unless `onLost` answers instead.
   */
  async onHolder<T>(
    step: (ws: HolderActivities, held: HeldWorkspace) => Promise<T>,
    onLost?: () => T,
  ): Promise<T> {
    const held = this.current ?? (await this.claim());
    try {
      return await step(this.activitiesOn(held), held);
    } catch (err) {
      if (!holderGone(err)) throw err;
      const reclaimed = await this.claim();
      if (onLost) return onLost();
      return await step(this.activitiesOn(reclaimed), reclaimed);
    }
  }

  private activitiesOn(held: HeldWorkspace): HolderActivities {
    const waitMs = this.request.worker_wait_ms ?? DEFAULT_WORKER_WAIT_MS;
    return workspaceActivities(held.task_queue, {
      scheduleToStart: `${waitMs} milliseconds`,
      // Calls heartbeat every second; a dead worker's call is given up within 5 s, as a model turn's is.
      heartbeat: '5 seconds',
    });
  }
}

/** True when a workspace step failed because no worker took it: the holder is gone. */
function holderGone(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const cause = err.cause;
  return cause instanceof TimeoutFailure && cause.timeoutType === 'SCHEDULE_TO_START';
}

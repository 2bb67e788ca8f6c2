/**
 * A session's workspace inside the workflow: claiming the folder ({@link WorkspaceHolder}), the
 * model's editor and bash calls with the `ask` policy's wait for a person ({@link WorkspaceTools}),
 * and the forks, merges, commits, restores and test runs that SPEC phases and checkpoints need.
 *
 * When the worker holding the folder is gone, an activity scheduled on its queue times out before
 * it starts; the workspace is then claimed again (another worker recreates it at the last
 * checkpoint) and the step goes on there. A tool call is never run again after that: the model
 * hears it was interrupted (the files may or may not have its effects).
 */
import type { ToolCallRecord, ToolResultBlock } from '../domain/session';
import {
  verifySummary,
  type CommitWorkspaceResult,
  type HeldWorkspace,
  type MergeWorkspaceResult,
  type PermissionAnswer,
  type PermissionRequest,
  type RestoreWorkspaceResult,
  type VerificationResult,
  type WorkspaceCheckpoint,
  type WorkspaceRequest,
  type WorkspaceToolOptions,
} from '../domain/workspace';
import { WorkspaceHolder } from './workspace-holder';
import { WorkspaceTools, type WorkspaceToolCall } from './workspace-tools';

export type { WorkspaceToolCall } from './workspace-tools';

/** Longest test run a gate waits for. */
const VERIFY_TIMEOUT_MS = 10 * 60_000;

/** A session's folder and the steps that run in it (see the module's description). */
export class SessionWorkspace {
  private readonly holder: WorkspaceHolder;
  private readonly tools: WorkspaceTools;

  constructor(
    request: WorkspaceRequest,
    carried: HeldWorkspace | undefined,
    /** Called when what status shows changes (the held workspace, a permission request). */
    changed: () => void,
  ) {
    this.holder = new WorkspaceHolder(request, carried, changed);
    this.tools = new WorkspaceTools(request, this.holder, changed);
  }

  /** The workspace as held now (undefined before the first claim). */
  get state(): HeldWorkspace | undefined {
    return this.holder.held;
  }

  /** The command waiting for a person's decision, if any. */
  get pendingPermission(): PermissionRequest | undefined {
    return this.tools.pendingPermission;
  }

  /** Which client tools the model gets: the editor always, bash unless commands cannot run. */
  get toolOptions(): WorkspaceToolOptions {
    return this.holder.held?.sandbox.mode === 'unavailable' ? { bash: false } : {};
  }

  /**
   * Claims the folder on a worker (initialising a repository, refusing uncommitted changes unless
   * allowed, or recreating it at the last checkpoint) and remembers that worker's queue.
   * @throws the claim's ApplicationFailure (`DirtyWorkspace`, …), which says what to do.
   */
  claim(): Promise<HeldWorkspace> {
    return this.holder.claim();
  }

  /**
   * Takes hold of the folder when the run starts: a fork gets a worktree of its parent's folder
   * (on the parent's worker), any other session claims its folder.
   */
  open(sessionId: string): Promise<HeldWorkspace> {
    return this.holder.open(sessionId);
  }

  /** Brings a fork's files (its branch) into this workspace; nothing when the fork had none. */
  mergeFork(forkId: string): Promise<MergeWorkspaceResult> {
    return this.holder.onHolder((ws, held) =>
      ws.mergeWorkspace.executeWithOptions({ summary: `workspace: merge ${forkId}` }, [
        { path: held.path, fork_id: forkId },
      ]),
    );
  }

  /** Records a person's answer to the waiting command; the tool call goes on with it. */
  answerPermission(answer: PermissionAnswer): void {
    this.tools.answerPermission(answer);
  }

  /**
   * Runs one editor or bash call of the model and returns its `tool_result` block. Bad input,
   * paths outside the folder, refused commands and failures all come back as error results for the
   * model; nothing here throws but cancellation.
   */
  runTool(call: WorkspaceToolCall): Promise<{ block: ToolResultBlock; record: ToolCallRecord }> {
    return this.tools.run(call);
  }

  /**
   * Commits the files; with `checkpoint`, a bundle of the commit goes to the store, so another
   * worker can recreate the folder at it, and it becomes the workspace's last checkpoint.
   */
  async commit(message: string, checkpoint = true): Promise<CommitWorkspaceResult> {
    const result = await this.holder.onHolder((ws, held) =>
      ws.commitWorkspace.executeWithOptions({ summary: `workspace: commit (${message})` }, [
        { path: held.path, message, checkpoint },
      ]),
    );
    if (result.checkpoint) this.holder.setCheckpoint(result.checkpoint);
    return result;
  }

  /** Puts the files back to a checkpoint's commit (uncommitted work is discarded). */
  async restore(to: WorkspaceCheckpoint): Promise<RestoreWorkspaceResult> {
    const result = await this.holder.onHolder((ws, held) =>
      ws.restoreWorkspace.executeWithOptions({ summary: `workspace: restore ${to.commit.slice(0, 12)}` }, [
        { path: held.path, commit: to.commit, bundle_id: to.bundle_id },
      ]),
    );
    this.holder.setCheckpoint(to);
    return result;
  }

  /** Runs the test command in the sandbox. */
  verify(command: string): Promise<VerificationResult> {
    return this.holder.onHolder((ws, held) =>
      ws.verifyWorkspace.executeWithOptions({ summary: verifySummary(command) }, [
        { path: held.path, command, timeout_ms: VERIFY_TIMEOUT_MS },
      ]),
    );
  }
}

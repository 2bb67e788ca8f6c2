/**
 * A session's workspace inside the workflow: claiming the folder, the model's editor and bash
 * calls (each an activity on the queue of the worker that holds the folder, keyed by its
 * `tool_use_id`), the `ask` policy's wait for a person, and the commits, restores and test runs
 * that SPEC phases and checkpoints need.
 *
 * When the worker holding the folder is gone, an activity scheduled on its queue times out before
 * it starts; the workspace is then claimed again (another worker recreates it at the last
 * checkpoint) and the step goes on there. A tool call is never run again after that: the model
 * hears it was interrupted (the files may or may not have its effects).
 */
import { ActivityFailure, condition, TimeoutFailure } from '@temporalio/workflow';
import type { ToolCallRecord, ToolResultBlock } from '../domain/session';
import {
  BASH_TOOL_NAME,
  decideCommand,
  DEFAULT_COMMAND_POLICY,
  interruptedToolMessage,
  parseBashInput,
  toolCallSummary,
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
  type WorkspaceToolResult,
} from '../domain/workspace';
import { claimActivities, workspaceActivities } from './workspace-activities';

/** A tool call as the model made it. */
export interface WorkspaceToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** Default time a workspace call waits for the worker holding the folder. */
const DEFAULT_WORKER_WAIT_MS = 60_000;
/** Longest test run a gate waits for. */
const VERIFY_TIMEOUT_MS = 10 * 60_000;

export class SessionWorkspace {
  private held: HeldWorkspace | undefined;
  private pending: PermissionRequest | undefined;
  private answer: PermissionAnswer | undefined;

  constructor(
    private readonly request: WorkspaceRequest,
    carried: HeldWorkspace | undefined,
    /** Called when what status shows changes (the held workspace, a permission request). */
    private readonly changed: () => void,
  ) {
    this.held = carried;
  }

  /** The workspace as held now (undefined before the first claim). */
  get state(): HeldWorkspace | undefined {
    return this.held;
  }

  /** The command waiting for a person's decision, if any. */
  get pendingPermission(): PermissionRequest | undefined {
    return this.pending;
  }

  /** Which client tools the model gets: the editor always, bash unless commands cannot run. */
  get toolOptions(): WorkspaceToolOptions {
    return this.held?.sandbox.mode === 'unavailable' ? { bash: false } : {};
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
          path: this.held?.path ?? this.request.path,
          ...(this.request.allow_dirty ? { allow_dirty: true } : {}),
          ...(this.held?.checkpoint ? { checkpoint: this.held.checkpoint } : {}),
        },
      ],
    );
    this.held = {
      path: claimed.path,
      task_queue: claimed.task_queue,
      worker: claimed.worker,
      sandbox: claimed.sandbox,
      ...(this.held?.checkpoint ? { checkpoint: this.held.checkpoint } : {}),
    };
    this.changed();
    return this.held;
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
    this.held = {
      path: forked.path,
      task_queue: source.task_queue,
      worker: source.worker,
      sandbox: source.sandbox,
      checkpoint: source.checkpoint,
    };
    this.changed();
    return this.held;
  }

  /** Brings a fork's files (its branch) into this workspace; nothing when the fork had none. */
  mergeFork(forkId: string): Promise<MergeWorkspaceResult> {
    return this.onHolder((ws, held) =>
      ws.mergeWorkspace.executeWithOptions({ summary: `workspace: merge ${forkId}` }, [
        { path: held.path, fork_id: forkId },
      ]),
    );
  }

  /** Records a person's answer to the waiting command; the tool call goes on with it. */
  answerPermission(answer: PermissionAnswer): void {
    this.answer = answer;
  }

  /**
   * Runs one editor or bash call of the model and returns its `tool_result` block. Bad input,
   * paths outside the folder, refused commands and failures all come back as error results for the
   * model; nothing here throws but cancellation.
   */
  async runTool(call: WorkspaceToolCall): Promise<{ block: ToolResultBlock; record: ToolCallRecord }> {
    const summary = toolCallSummary(call.name, call.input);
    let approved = false;
    if (call.name === BASH_TOOL_NAME) {
      const permission = await this.permit(call);
      if (!permission.ok) return toolAnswer(call, summary, refusal(permission.message));
      approved = permission.approved;
    }
    const result = await this.onHolder(
      (ws, held) =>
        call.name === BASH_TOOL_NAME
          ? ws.runBashTool.executeWithOptions({ summary }, [
              {
                path: held.path,
                tool_use_id: call.id,
                input: call.input,
                policy: this.request.policy ?? DEFAULT_COMMAND_POLICY,
                ...(approved ? { approved: true } : {}),
                ...(this.request.command_timeout_ms ? { timeout_ms: this.request.command_timeout_ms } : {}),
              },
            ])
          : ws.runEditorTool.executeWithOptions({ summary }, [
              { path: held.path, tool_use_id: call.id, input: call.input },
            ]),
      // Never run a call twice: once its worker is gone, the model hears it was interrupted.
      () => interrupted(summary),
    );
    return toolAnswer(call, summary, result);
  }

  /**
   * Commits the files; with `checkpoint`, a bundle of the commit goes to the store, so another
   * worker can recreate the folder at it, and it becomes the workspace's last checkpoint.
   */
  async commit(message: string, checkpoint = true): Promise<CommitWorkspaceResult> {
    const result = await this.onHolder((ws, held) =>
      ws.commitWorkspace.executeWithOptions({ summary: `workspace: commit (${message})` }, [
        { path: held.path, message, checkpoint },
      ]),
    );
    if (result.checkpoint && this.held) {
      this.held = { ...this.held, checkpoint: result.checkpoint };
      this.changed();
    }
    return result;
  }

  /** Puts the files back to a checkpoint's commit (uncommitted work is discarded). */
  async restore(to: WorkspaceCheckpoint): Promise<RestoreWorkspaceResult> {
    const result = await this.onHolder((ws, held) =>
      ws.restoreWorkspace.executeWithOptions({ summary: `workspace: restore ${to.commit.slice(0, 12)}` }, [
        { path: held.path, commit: to.commit, bundle_id: to.bundle_id },
      ]),
    );
    if (this.held) {
      this.held = { ...this.held, checkpoint: to };
      this.changed();
    }
    return result;
  }

  /** Runs the test command in the sandbox. */
  verify(command: string): Promise<VerificationResult> {
    return this.onHolder((ws, held) =>
      ws.verifyWorkspace.executeWithOptions({ summary: verifySummary(command) }, [
        { path: held.path, command, timeout_ms: VERIFY_TIMEOUT_MS },
      ]),
    );
  }

  /**
   * Runs a step on the holding worker's queue, claiming the folder first if no worker holds it.
   * When that worker is gone (the step timed out before starting), the folder is claimed again
   * and the step runs on the new holder, unless `onLost` answers instead.
   */
  private async onHolder<T>(
    step: (ws: ReturnType<typeof workspaceActivities>, held: HeldWorkspace) => Promise<T>,
    onLost?: () => T,
  ): Promise<T> {
    const held = this.held ?? (await this.claim());
    try {
      return await step(this.activitiesOn(held), held);
    } catch (err) {
      if (!holderGone(err)) throw err;
      const reclaimed = await this.claim();
      if (onLost) return onLost();
      return await step(this.activitiesOn(reclaimed), reclaimed);
    }
  }

  private activitiesOn(held: HeldWorkspace) {
    const waitMs = this.request.worker_wait_ms ?? DEFAULT_WORKER_WAIT_MS;
    return workspaceActivities(held.task_queue, {
      scheduleToStart: `${waitMs} milliseconds`,
      // Calls heartbeat every second; a dead worker's call is given up within 5 s, as a model turn's is.
      heartbeat: '5 seconds',
    });
  }

  /** The policy's decision for a bash call, waiting for a person when it asks. */
  private async permit(
    call: WorkspaceToolCall,
  ): Promise<{ ok: true; approved: boolean } | { ok: false; message: string }> {
    const parsed = parseBashInput(call.input);
    // Bad input and restarts are the activity's to answer; there is no command to decide on.
    if (!parsed.ok || parsed.input.command === undefined) return { ok: true, approved: false };
    const command = parsed.input.command;
    const decision = decideCommand(this.request.policy ?? DEFAULT_COMMAND_POLICY, command);
    if (decision.decision === 'allow') return { ok: true, approved: false };
    if (decision.decision === 'deny') return { ok: false, message: decision.reason };
    this.pending = {
      tool_use_id: call.id,
      command,
      reason: decision.reason,
      asked_at: new Date().toISOString(),
    };
    this.answer = undefined;
    this.changed();
    try {
      await condition(() => this.answer !== undefined);
    } finally {
      this.pending = undefined;
      this.changed();
    }
    const answer = this.answer!;
    this.answer = undefined;
    if (answer.approve) return { ok: true, approved: true };
    return {
      ok: false,
      message: `The user did not allow \`${command}\`${answer.note ? `: ${answer.note}` : '.'}`,
    };
  }
}

/** True when a workspace step failed because no worker took it: the holder is gone. */
function holderGone(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const cause = err.cause;
  return cause instanceof TimeoutFailure && cause.timeoutType === 'SCHEDULE_TO_START';
}

function interrupted(summary: string): WorkspaceToolResult {
  const content = interruptedToolMessage(summary);
  return {
    content,
    is_error: true,
    status: 'interrupted',
    truncated: false,
    original_chars: content.length,
    duration_ms: 0,
  };
}

function refusal(message: string): WorkspaceToolResult {
  return {
    content: message,
    is_error: true,
    status: 'refused',
    truncated: false,
    original_chars: message.length,
    duration_ms: 0,
  };
}

function toolAnswer(
  call: WorkspaceToolCall,
  summary: string,
  result: WorkspaceToolResult,
): { block: ToolResultBlock; record: ToolCallRecord } {
  return {
    block: {
      type: 'tool_result',
      tool_use_id: call.id,
      content: result.content,
      ...(result.is_error ? { is_error: true } : {}),
    },
    record: {
      server: 'workspace',
      tool: summary.replace(/^tool: /, ''),
      is_error: result.is_error,
      truncated: result.truncated,
      result_chars: result.original_chars,
    },
  };
}

/**
 * The model's editor and bash calls in a session's workspace: each an activity on the queue of
 * the worker that holds the folder (keyed by its `tool_use_id`), after the command policy's
 * decision, which under `ask` waits for a person's answer. A call is never run again once its
 * worker is lost: the model hears it was interrupted.
 */
import { condition } from '@temporalio/workflow';
import { workspaceToolAnswer, type ToolCallRecord, type ToolResultBlock } from '../domain/session';
import {
  BASH_TOOL_NAME,
  decideCommand,
  DEFAULT_COMMAND_POLICY,
  interruptedToolResult,
  parseBashInput,
  refusedToolResult,
  toolCallSummary,
  type PermissionAnswer,
  type PermissionRequest,
  type WorkspaceRequest,
} from '../domain/workspace';
import type { WorkspaceHolder } from './workspace-holder';

/** A tool call as the model made it. */
export interface WorkspaceToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** Runs the model's tool calls on the holding worker, asking a person first where the policy says so. */
export class WorkspaceTools {
  private pending: PermissionRequest | undefined;
  private answer: PermissionAnswer | undefined;

  constructor(
    private readonly request: WorkspaceRequest,
    private readonly holder: WorkspaceHolder,
    /** Called when the permission request changes. */
    private readonly changed: () => void,
  ) {}

  /** The command waiting for a person's decision, if any. */
  get pendingPermission(): PermissionRequest | undefined {
    return this.pending;
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
  async run(call: WorkspaceToolCall): Promise<{ block: ToolResultBlock; record: ToolCallRecord }> {
    const summary = toolCallSummary(call.name, call.input);
    let approved = false;
    if (call.name === BASH_TOOL_NAME) {
      const permission = await this.permit(call);
      if (!permission.ok) return workspaceToolAnswer(call.id, summary, refusedToolResult(permission.message));
      approved = permission.approved;
    }
    const result = await this.holder.onHolder(
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
      () => interruptedToolResult(summary),
    );
    return workspaceToolAnswer(call.id, summary, result);
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

import { condition } from '@temporalio/workflow';
import {
  applyRestore,
  findCheckpoint,
  type CheckpointReason,
  type CheckpointRecord,
  type RestoreRequest,
} from '../domain/session';
import type { HeldWorkspace, PermissionAnswer, WorkspaceRequest } from '../domain/workspace';
import type { SessionLedger } from './session-ledger';
import { SessionWorkspace } from './session-workspace';

/**
 * The files side of a session that has a workspace: the {@link SessionWorkspace}, and the steps
 * that take the files along with the conversation (a checkpoint commits them, a restore puts them
 * back). What status shows of the workspace (held folder, permission request) is copied into the
 * ledger's state whenever it changes.
 */
export class SessionFiles {
  /** The folder the model works in. */
  readonly workspace: SessionWorkspace;

  constructor(
    request: WorkspaceRequest,
    carried: HeldWorkspace | undefined,
    private readonly ledger: SessionLedger,
    private readonly sessionId: string,
    /** Called whenever what the UI shows may differ. */
    private readonly changed: () => void,
  ) {
    this.workspace = new SessionWorkspace(request, carried, () => this.sync());
  }

  /** Copies what status shows of the workspace (held folder, permission request) into the state. */
  sync(): void {
    const ws = this.workspace;
    const { workspace: _w, pending_permission: _p, ...rest } = this.ledger.state;
    this.ledger.state = {
      ...rest,
      ...(ws.state ? { workspace: ws.state } : {}),
      ...(ws.pendingPermission ? { pending_permission: ws.pendingPermission } : {}),
    };
    this.changed();
  }

  /**
   * Records a checkpoint of the present with the files: they are committed first, and a bundle of
   * the commit stored.
   */
  async checkpoint(name: string | undefined, reason: CheckpointReason): Promise<CheckpointRecord> {
    const label = name ?? reason;
    const commit = await this.workspace.commit(`baton: ${this.sessionId} checkpoint ${label}`);
    return this.ledger.checkpoint(name, reason, commit.checkpoint);
  }

  /**
   * The files go back with the conversation. The present's are committed first, so the undo
   * checkpoint holds them too.
   */
  async restore(request: RestoreRequest): Promise<{ restored: CheckpointRecord; undo: CheckpointRecord }> {
    const target = findCheckpoint(this.ledger.state, request.checkpoint)!;
    const before = await this.checkpoint(undefined, 'before_restore');
    if (target.workspace) await this.workspace.restore(target.workspace);
    this.ledger.state = applyRestore(this.ledger.state, target, new Date().toISOString());
    return { restored: target, undo: before };
  }

  /** Answers the command waiting for permission; resolves once the waiting call has taken it. */
  async answerPermission(answer: PermissionAnswer): Promise<void> {
    const waiting = this.workspace.pendingPermission;
    if (!waiting) return;
    this.workspace.answerPermission(answer);
    await condition(() => this.workspace.pendingPermission?.tool_use_id !== waiting.tool_use_id);
  }
}

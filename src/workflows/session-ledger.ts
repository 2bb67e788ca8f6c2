import { uuid4, workflowInfo } from '@temporalio/workflow';
import {
  applyCheckpoint,
  applyRestore,
  checkpointOf,
  findCheckpoint,
  shortId,
  type CheckpointReason,
  type CheckpointRecord,
  type RestoreRequest,
  type SessionState,
} from '../domain/session';
import type { WorkspaceCheckpoint } from '../domain/workspace';

/**
 * A session's one {@link SessionState} and the checkpoints stamped into it. The entity and the
 * steps it hands work to (files, compaction, merge) share it, and each reads `state` again after
 * an await: a checkpoint taken meanwhile takes no lock and must not be lost.
 */
export class SessionLedger {
  constructor(
    /** The state as it is now; steps replace it with what a pure transition returns. */
    public state: SessionState,
  ) {}

  /** Records a checkpoint of the present (no lock: it reads state and appends one record). */
  checkpoint(
    name: string | undefined,
    reason: CheckpointReason = 'manual',
    files?: WorkspaceCheckpoint,
  ): CheckpointRecord {
    const info = workflowInfo();
    const stamped = checkpointOf(
      this.state,
      {
        checkpoint_id: shortId('cp', uuid4()),
        time: new Date().toISOString(),
        run_id: info.runId,
        event_id: info.historyLength,
      },
      reason,
      name,
    );
    const record = files ? { ...stamped, workspace: files } : stamped;
    this.state = applyCheckpoint(this.state, record);
    return record;
  }

  /**
   * Moves the head and the context budget back to a checkpoint (the conversation only). The
   * present is checkpointed first, so the restore can itself be undone.
   */
  restore(request: RestoreRequest): { restored: CheckpointRecord; undo: CheckpointRecord } {
    const target = findCheckpoint(this.state, request.checkpoint)!;
    const before = this.checkpoint(undefined, 'before_restore');
    this.state = applyRestore(this.state, target, new Date().toISOString());
    return { restored: target, undo: before };
  }
}

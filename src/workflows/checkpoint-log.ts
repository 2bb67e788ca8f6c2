import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { CheckpointReason, CheckpointRecord } from '../domain/session';

/** Automatic checkpoints kept per session; named (manual, phase, handoff) ones are all kept. */
export const MAX_AUTOMATIC_CHECKPOINTS = 50;
const AUTOMATIC: readonly CheckpointReason[] = [
  'before_compaction',
  'before_rollover',
  'before_restore',
  'before_merge',
];

/**
 * A session's checkpoints across all its runs. Checkpoints only name a head and a budget, and
 * heads never change, so a checkpoint stays valid forever.
 */
export class CheckpointLog {
  constructor(private readonly records: CheckpointRecord[] = []) {}

  get all(): readonly CheckpointRecord[] {
    return this.records;
  }

  record(
    snapshot: Omit<CheckpointRecord, 'checkpoint_id' | 'time' | 'run_id' | 'event_id' | 'name' | 'reason'>,
    name: string,
    reason: CheckpointReason,
  ): CheckpointRecord {
    const record: CheckpointRecord = {
      ...snapshot,
      checkpoint_id: `cp_${uuid4().replace(/-/g, '').slice(0, 16)}`,
      name,
      reason,
      time: new Date().toISOString(),
      run_id: workflowInfo().runId,
      event_id: workflowInfo().historyLength,
    };
    this.records.push(record);
    this.prune();
    return record;
  }

  /** By id, or by name (the newest with that name). */
  find(idOrName: string): CheckpointRecord | undefined {
    return (
      this.records.find((c) => c.checkpoint_id === idOrName) ??
      this.records.findLast((c) => c.name === idOrName)
    );
  }

  count(reason: CheckpointReason): number {
    return this.records.filter((c) => c.reason === reason).length;
  }

  private prune(): void {
    const automatic = this.records.filter((c) => AUTOMATIC.includes(c.reason));
    const excess = automatic.length - MAX_AUTOMATIC_CHECKPOINTS;
    if (excess <= 0) return;
    const drop = new Set(automatic.slice(0, excess));
    this.records.splice(0, this.records.length, ...this.records.filter((c) => !drop.has(c)));
  }
}

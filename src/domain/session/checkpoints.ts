/**
 * A session's checkpoints: recording one of the present, keeping the newest automatic ones,
 * finding one by id or name, and moving back to one (a restore). Workflow-safe: the checkpoint's
 * identity (uuid, time, run, history length) comes in from the workflow.
 */
import type { CheckpointReason, CheckpointRecord } from './records';
import { budgetOf, type SessionState } from './state';

/** Automatic checkpoints kept per session; named (manual, phase, handoff) ones are all kept. */
export const MAX_AUTOMATIC_CHECKPOINTS = 50;
const AUTOMATIC: readonly CheckpointReason[] = [
  'before_compaction',
  'before_rollover',
  'before_restore',
  'before_merge',
];

/** Identity of a new checkpoint, supplied by the workflow (uuid, time, run, history length). */
export interface CheckpointStamp {
  checkpoint_id: string;
  time: string;
  run_id: string;
  event_id: number;
}

/** A checkpoint of the present; unnamed ones are called after their reason (`manual-3`). */
export function checkpointOf(
  s: SessionState,
  stamp: CheckpointStamp,
  reason: CheckpointReason,
  name?: string,
): CheckpointRecord {
  const count = s.checkpoints.filter((c) => c.reason === reason).length;
  return {
    ...stamp,
    name: name ?? `${reason}-${count + 1}`,
    reason,
    head: s.head,
    context_tokens: s.context_tokens,
    budget: budgetOf(s),
    cumulative: s.cumulative,
    turns: s.turns,
  };
}

/** Adds a checkpoint, keeping the newest {@link MAX_AUTOMATIC_CHECKPOINTS} automatic ones. */
export function applyCheckpoint(s: SessionState, record: CheckpointRecord): SessionState {
  const all = [...s.checkpoints, record];
  const automatic = all.filter((c) => AUTOMATIC.includes(c.reason));
  const excess = automatic.length - MAX_AUTOMATIC_CHECKPOINTS;
  const drop = new Set(excess > 0 ? automatic.slice(0, excess) : []);
  return { ...s, checkpoints: drop.size > 0 ? all.filter((c) => !drop.has(c)) : all };
}

/** A checkpoint by id, or by name (the newest with that name). */
export function findCheckpoint(s: { checkpoints: readonly CheckpointRecord[] }, idOrName: string) {
  return (
    s.checkpoints.find((c) => c.checkpoint_id === idOrName) ??
    s.checkpoints.findLast((c) => c.name === idOrName)
  );
}

/** Head and context budget back to a checkpoint; cumulative totals stay (they were spent). */
export function applyRestore(s: SessionState, target: CheckpointRecord, time: string): SessionState {
  return { ...s, head: target.head, context_tokens: target.context_tokens, last_activity: time };
}

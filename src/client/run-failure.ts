/**
 * Why a workflow run failed, in the words of whatever failed first. A run that fails while it
 * starts (a workspace the worker refuses: uncommitted changes, a file instead of a folder) ends
 * before it answers the update or the query its caller waits on, so Temporal's own error says only
 * that the run completed; the run's failure holds the worker's message.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';

/** A run's failure: the innermost application failure's type and message. */
export interface RunFailure {
  /** The failure type (`DirtyWorkspace`, `WorkspaceMissing`, …) when the failure had one. */
  type?: string;
  message: string;
}

/**
 * The failure an error carries, from the innermost cause that has a message of its own (an
 * activity's `ApplicationFailure` rather than "Activity task failed").
 */
export function failureOf(err: unknown): RunFailure {
  let found: ApplicationFailure | undefined;
  let cause: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure) found = cause;
    if (!(cause instanceof TemporalFailure)) break;
    cause = cause.cause;
  }
  if (found) return { ...(found.type ? { type: found.type } : {}), message: found.message };
  const last = err instanceof WorkflowFailedError && err.cause ? err.cause : err;
  return { message: last instanceof Error ? last.message : String(last) };
}

/**
 * The failure of the handle's run when it has failed (or timed out, or was terminated), otherwise
 * undefined. Costs a describe unless the caller knows the run's status already, and the result
 * only when the run has ended badly.
 */
export async function runFailure(
  handle: WorkflowHandle,
  executionStatus?: string,
): Promise<RunFailure | undefined> {
  const status = executionStatus ?? (await handle.describe().catch(() => undefined))?.status.name;
  if (
    status === undefined ||
    status === 'RUNNING' ||
    status === 'COMPLETED' ||
    status === 'CONTINUED_AS_NEW'
  ) {
    return undefined;
  }
  if (status === 'TERMINATED') return { type: 'Terminated', message: 'the run was terminated' };
  if (status === 'CANCELLED') return { type: 'Cancelled', message: 'the run was cancelled' };
  try {
    await handle.result();
    return undefined;
  } catch (err) {
    return failureOf(err);
  }
}

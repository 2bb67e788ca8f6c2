/**
 * Why a workflow run failed, in the words of whatever failed first. A run that fails while it
 * starts (a workspace the worker refuses: uncommitted changes, a file instead of a folder) ends
 * before it answers the update or the query its caller waits on, so Temporal's own error says only
 * that the run completed; the run's failure holds the worker's message.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { specWorkflowId } from '../domain/spec';
import { HandoffFailedError, SpecFailedError } from './errors';

/** A run's failure: the innermost application failure's type and message. */
export interface RunFailure {
  /** The failure type (`DirtyWorkspace`, `WorkspaceMissing`, …) when the failure had one. */
  type?: string;
  message: string;
}

/**
 * The failure an error carries: the message of the innermost application failure (an activity's
 * `ApplicationFailure` rather than "Activity task failed"), or of the innermost failure when none
 * is an application failure; the type of the innermost application failure that has one. Every
 * failed run the client reports (a session that could not start, a SPEC, a handoff) reads its
 * failure here.
 */
export function failureOf(err: unknown): RunFailure {
  let found: ApplicationFailure | undefined;
  let type: string | undefined;
  let innermost: Error | undefined;
  let cause: unknown = err instanceof WorkflowFailedError ? (err.cause ?? err) : err;
  while (cause instanceof Error) {
    innermost = cause;
    if (cause instanceof ApplicationFailure) {
      found = cause;
      if (cause.type) type = cause.type;
    }
    if (!(cause instanceof TemporalFailure)) break;
    cause = cause.cause;
  }
  const message = (found ?? innermost)?.message ?? String(err);
  return { ...(type ? { type } : {}), message };
}

/** The client's error for a SPEC run that failed as a whole. */
export function specFailedError(err: WorkflowFailedError, specId: string): SpecFailedError {
  const failure = failureOf(err);
  return new SpecFailedError(
    `SPEC ${specId} failed: ${failure.message}`,
    failure.type,
    specWorkflowId(specId),
  );
}

/**
 * The client's error for a failed handoff; its `type` is the failure type, or the kind of failure
 * (`TimeoutFailure`, …) when it has none.
 * @param handoffId the handoff's workflow id (`handoff-<spec_id>`).
 */
export function handoffFailedError(err: WorkflowFailedError, handoffId: string): HandoffFailedError {
  const failure = failureOf(err);
  return new HandoffFailedError(
    `Handoff ${handoffId} failed${failure.type ? ` (${failure.type})` : ''}: ${failure.message}`,
    failure.type ?? err.cause?.name,
    handoffId,
  );
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

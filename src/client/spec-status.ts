import { specStatusQuery, type SpecStatus } from '../domain/spec';
import { statusQuery } from '../domain/session';
import type { PermissionRequest } from '../domain/workspace';
import { workflowUiUrl } from './connection-settings';
import { runFailure, type RunFailure } from './run-failure';
import type { SessionContext } from './session-context';
import { specHandle, specNotFound } from './spec-workflow';

/** `status` as the client reports it: the workflow's status, its UI link and Temporal's view of the run. */
export type SpecStatusWithLink = SpecStatus & {
  ui_url: string;
  /** Temporal's status of the run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
  /** Why the run failed (a workspace the worker refused, a decision that never came), when it did. */
  error?: RunFailure;
  /**
   * A command the SPEC's session waits to run (its policy asks): answer it with
   * `baton.sessions.answerPermission('spec-<id>', …)`.
   */
  pending_permission?: PermissionRequest;
};

/**
 * A SPEC's status with its UI link, Temporal's status of the run, why the run failed (when it did)
 * and a command waiting for permission. See `SpecsClient.status`.
 * @throws SessionNotFoundError naming the SPEC for an unknown id.
 */
export async function specStatus(ctx: SessionContext, specId: string): Promise<SpecStatusWithLink> {
  const handle = specHandle(ctx, specId);
  try {
    const description = await handle.describe();
    await ctx.workers.assertPolling();
    const status = await handle.query(specStatusQuery);
    const running = description.status.name === 'RUNNING';
    const error = running ? undefined : await runFailure(handle, description.status.name);
    // Only a SPEC with a workspace runs commands, so only it can be waiting for permission.
    const pending =
      running && status.workspace ? (await handle.query(statusQuery)).pending_permission : undefined;
    return {
      ...status,
      execution_status: description.status.name,
      ui_url: workflowUiUrl(ctx.settings, handle.workflowId, description.runId),
      ...(error ? { error } : {}),
      ...(pending ? { pending_permission: pending } : {}),
    };
  } catch (err) {
    throw specNotFound(err, specId);
  }
}

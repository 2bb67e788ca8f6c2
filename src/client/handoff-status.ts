import { handoffStatusQuery, type HandoffStatus } from '../domain/handoff';
import type { handoffWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import type { HandoffContext } from './handoff-context';
import { toHandoffError, toHandoffId } from './handoff-workflow';

/** `status` as the client reports it: the workflow's status plus Temporal's view of the run. */
export type HandoffStatusWithLink = HandoffStatus & {
  ui_url: string;
  /** Temporal's status of the run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  execution_status: string;
};

/**
 * A handoff's status, from the running workflow (a query) or its result once completed. See
 * `HandoffsClient.status`.
 * @throws HandoffNotFoundError for an unknown id.
 */
export async function handoffStatus(ctx: HandoffContext, id: string): Promise<HandoffStatusWithLink> {
  const handoffId = toHandoffId(id);
  const handle = ctx.client.workflow.getHandle<typeof handoffWorkflow>(handoffId);
  try {
    const description = await handle.describe();
    let status: HandoffStatus;
    if (description.status.name === 'COMPLETED') {
      status = await handle.result();
    } else {
      // A failed or terminated run answers too: the worker replays its history.
      await ctx.workers.assertPolling();
      status = await handle.query(handoffStatusQuery);
    }
    return {
      ...status,
      ui_url: workflowUiUrl(ctx.settings, handoffId, description.runId),
      execution_status: description.status.name,
    };
  } catch (err) {
    throw toHandoffError(err, handoffId);
  }
}

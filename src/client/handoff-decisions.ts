import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HandoffStatus } from '../domain/handoff';
import { SessionNotFoundError, SessionRequestError } from './errors';
import type { HandoffContext } from './handoff-context';
import { toHandoffError, toHandoffId } from './handoff-workflow';
import { toBatonError } from './temporal-errors';

/**
 * Sends a person's decision about a failed agent (an update) once a worker polls, and says so
 * plainly when the handoff has finished and so cannot take one.
 * @throws SessionRequestError (`HandoffFinished`) for a handoff whose run has ended;
 * HandoffNotFoundError for an unknown one.
 */
export async function decideHandoff(
  ctx: HandoffContext,
  id: string,
  call: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<HandoffStatus>,
): Promise<HandoffStatus> {
  const handoffId = toHandoffId(id);
  await ctx.workers.assertPolling();
  const handle = ctx.client.workflow.getHandle(handoffId);
  try {
    return await call(handle);
  } catch (err) {
    const mapped = toBatonError(err, handoffId);
    if (!(mapped instanceof SessionNotFoundError)) throw mapped;
    // An update cannot reach a run that has ended; say that, not "not found", when it exists.
    const description = await handle.describe().catch(() => undefined);
    if (!description)
      throw toHandoffError(new WorkflowNotFoundError('not found', handoffId, undefined), handoffId);
    throw new SessionRequestError(
      `Handoff ${handoffId} is not waiting for a decision: it has finished ` +
        `(${description.status.name.toLowerCase()}). A failed handoff can be run again under the same SPEC id.`,
      'HandoffFinished',
    );
  }
}

import { decidePlanUpdate, type PlanDecision, type SpecStatus } from '../domain/spec';
import { workflowUiUrl } from './connection-settings';
import { SessionNotFoundError, SessionRequestError } from './errors';
import type { SessionContext } from './session-context';
import { specHandle, specNotFound } from './spec-workflow';

/**
 * Sends a person's decision (an update) once a worker polls, and says so plainly when the SPEC has
 * finished and so cannot take one.
 * @throws SessionRequestError (`SpecFinished`) for a SPEC whose run has ended; SessionNotFoundError
 * for an unknown one.
 */
export async function decideSpec(
  ctx: SessionContext,
  specId: string,
  call: () => Promise<SpecStatus>,
): Promise<SpecStatus> {
  await ctx.workers.assertPolling();
  try {
    return await call();
  } catch (err) {
    const mapped = specNotFound(err, specId);
    if (!(mapped instanceof SessionNotFoundError)) throw mapped;
    // An update cannot reach a run that has ended; say that, not "not found".
    const description = await specHandle(ctx, specId)
      .describe()
      .catch(() => undefined);
    if (!description) throw mapped;
    throw new SessionRequestError(
      `SPEC ${specId} is not waiting for a decision: it has finished (${description.status.name.toLowerCase()}). ` +
        `Run it again from a phase with \`baton spec rerun ${specId} --from-phase <phase>\`.`,
      'SpecFinished',
    );
  }
}

/** The plan decision, answered with the SPEC's status once the workflow has acted on it. */
export async function decidePlan(
  ctx: SessionContext,
  specId: string,
  decision: PlanDecision,
): Promise<SpecStatus & { ui_url: string }> {
  const handle = specHandle(ctx, specId);
  const status = await decideSpec(ctx, specId, () =>
    handle.executeUpdate(decidePlanUpdate, { args: [decision] }),
  );
  return { ...status, ui_url: workflowUiUrl(ctx.settings, handle.workflowId) };
}

import { handoffStatusQuery, type HandoffResult, type HandoffStatus } from '../domain/handoff';
import type { handoffWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import type { HandoffContext } from './handoff-context';
import { toHandoffError, toHandoffId } from './handoff-workflow';

/** The result of a completed handoff, with its Temporal UI link. */
export type HandoffRunResult = HandoffResult & { ui_url: string };

/**
 * Waits for a handoff's result, polling its status for `onProgress` while it runs. See
 * `HandoffsClient.result`.
 * @throws HandoffFailedError naming the failure (an invalid field, or the agent that failed).
 */
export async function handoffResult(
  ctx: HandoffContext,
  id: string,
  options: { onProgress?: (status: HandoffStatus) => void; pollIntervalMs?: number },
): Promise<HandoffRunResult> {
  const handoffId = toHandoffId(id);
  const handle = ctx.client.workflow.getHandle<typeof handoffWorkflow>(handoffId);
  const outcome = handle.result().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const onProgress = options.onProgress;
  if (onProgress) {
    let finished = false;
    void outcome.then(() => (finished = true));
    while (!finished) {
      try {
        onProgress(await handle.query(handoffStatusQuery));
      } catch {
        // The run may be between tasks or just closed; the next poll or the result tells.
      }
      await Promise.race([sleep(options.pollIntervalMs ?? 500), outcome]);
    }
  }
  const settled = await outcome;
  if (!settled.ok) throw toHandoffError(settled.error, handoffId);
  onProgress?.(settled.value);
  const runId = (await handle.describe()).runId;
  return { ...settled.value, ui_url: workflowUiUrl(ctx.settings, handoffId, runId) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

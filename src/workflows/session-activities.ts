import { proxyActivities } from '@temporalio/workflow';
import type { BatonActivities } from '../activities';
import { type SessionInput } from '../domain/session';
import { FINAL_MODEL_CALL_FAILURES } from '../domain/failures';

/**
 * Model calls: Temporal is the only retry layer (the Anthropic client has `maxRetries: 0`).
 * Transient API errors back off from 1 s up to a minute, or wait as long as `retry-after` says;
 * failures that sending again cannot fix are never retried (the activity marks them so too).
 * The heartbeat timeout notices a dead worker quickly so another one takes the call over: these
 * activities beat every second however slow the model is (src/activities/heartbeats.ts), so five
 * seconds of silence means the worker is gone, and a killed worker's turn is finished by another
 * within about ten seconds (test/topology measures it).
 */
export const modelActivities = proxyActivities<BatonActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '5 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...FINAL_MODEL_CALL_FAILURES],
  },
});

/** Store reads and writes and token counting: quick, and safe to retry. */
export const storeActivities = proxyActivities<BatonActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5 },
});

/** Stores a new session's system prompt and task and measures its context (its first run only). */
export function prepareConversation(input: SessionInput, head: string | null) {
  return storeActivities.prepareSession.executeWithOptions(
    { summary: 'prepare session: store task, count tokens' },
    [
      {
        session_id: input.session_id,
        model_id: input.model.id,
        head,
        ...(input.system ? { system: input.system } : {}),
        ...(input.task ? { task: input.task } : {}),
      },
    ],
  );
}

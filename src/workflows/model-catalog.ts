import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BatonActivities } from '../activities';
import { lookupModelsUpdate } from '../domain/models';

const activities = proxyActivities<BatonActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

/** Continue-as-new well before Temporal's limits: each lookup adds a handful of events. */
const MAX_HISTORY_EVENTS = 5_000;

/**
 * The model catalog of a task queue: answers `lookupModels` updates (which model a session will
 * run on: an id or a line, its lifecycle checked, with the summarizer that goes with it) by asking
 * a worker's catalog, which holds the Models API's answers and the price table. It holds no state,
 * so a refused model changes nothing, and it continues as new when its history grows.
 */
export async function modelCatalogWorkflow(): Promise<void> {
  setHandler(lookupModelsUpdate, async (request) => {
    try {
      return await activities.lookupModels(request);
    } catch (err) {
      // The caller wants the reason (unknown or retired model), not the activity wrapper.
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
      throw err;
    }
  });
  await condition(
    () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= MAX_HISTORY_EVENTS,
  );
  await condition(allHandlersFinished);
  await continueAsNew<typeof modelCatalogWorkflow>();
}

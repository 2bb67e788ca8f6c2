import { proxyActivities } from '@temporalio/workflow';
import type { BatonActivities } from '../activities';
import type { ModelLookupRequest, ModelLookupResult } from '../domain/models';

const activities = proxyActivities<BatonActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

/**
 * Asks a worker which model a session will run on (an id or a line, its lifecycle checked, with
 * the summarizer that goes with it). A workflow because only workers hold the API key and the
 * catalog's cache; the client runs it before starting the session, so a refused model leaves
 * nothing behind but this short lookup.
 */
export async function modelLookupWorkflow(request: ModelLookupRequest): Promise<ModelLookupResult> {
  return activities.lookupModels(request);
}

import type { Client } from '@temporalio/client';
import type { ConnectionSettings } from './connection-settings';
import type { ModelResolver } from './model-resolver';
import type { WorkerProbe } from './worker-probe';

/** What handoff operations need: the Temporal client, settings, models and a worker probe. */
export interface HandoffContext {
  client: Client;
  settings: ConnectionSettings;
  /** Resolves model names through a worker's model catalog. */
  models: ModelResolver;
  workers: WorkerProbe;
}

import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ModelResolver } from './model-resolver';
import type { ConversationStore } from '../store';
import type { sessionWorkflow } from '../workflows';
import type { ConnectionSettings } from './connection-settings';
import type { WorkerProbe } from './worker-probe';

/** What every session operation needs: the Temporal client, settings, models and a worker probe. */
export interface SessionContext {
  client: Client;
  settings: ConnectionSettings;
  /** Resolves model names through a worker's model catalog. */
  models: ModelResolver;
  workers: WorkerProbe;
  /** The conversation store, opened on first use (export and import read and write it directly). */
  store: () => Promise<ConversationStore>;
}

export function sessionHandle(
  ctx: SessionContext,
  sessionId: string,
): WorkflowHandle<typeof sessionWorkflow> {
  return ctx.client.workflow.getHandle<typeof sessionWorkflow>(sessionId);
}

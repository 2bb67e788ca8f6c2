import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DEFAULT_TASK_QUEUE } from '../domain/session';

/** Where baton's client and worker connect, resolved the Temporal way plus baton's own variables. */
export interface ConnectionSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Base URL of the Temporal Web UI, for links. */
  uiUrl: string;
  tls?: boolean | object;
  apiKey?: string;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_UI_URL = 'http://localhost:8233';

/**
 * Reads connection settings: Temporal's environment configuration (`TEMPORAL_ADDRESS`,
 * `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, TLS, config profiles) via `@temporalio/envconfig`, then
 * `BATON_TASK_QUEUE` and `BATON_UI_URL`. Explicit overrides win.
 */
export function resolveConnectionSettings(
  overrides: Partial<ConnectionSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const config = loadClientConnectConfig({
    overrideEnvVars: env as Record<string, string>,
    disableFile: !env.TEMPORAL_CONFIG_FILE,
  });
  const options = config.connectionOptions;
  const settings: ConnectionSettings = {
    address: overrides.address ?? options.address ?? DEFAULT_ADDRESS,
    namespace: overrides.namespace ?? config.namespace ?? 'default',
    taskQueue: overrides.taskQueue ?? env.BATON_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    uiUrl: (overrides.uiUrl ?? env.BATON_UI_URL ?? DEFAULT_UI_URL).replace(/\/+$/, ''),
  };
  const tls = overrides.tls ?? options.tls;
  if (tls) settings.tls = tls;
  const apiKey = overrides.apiKey ?? (typeof options.apiKey === 'string' ? options.apiKey : undefined);
  if (apiKey) settings.apiKey = apiKey;
  return settings;
}

/** The Temporal UI page of a workflow run. */
export function workflowUiUrl(settings: ConnectionSettings, workflowId: string, runId?: string): string {
  const base = `${settings.uiUrl}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

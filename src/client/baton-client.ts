import { Client, Connection } from '@temporalio/client';
import type { ModelRegistry } from '../domain/models';
import { resolveConnectionSettings, workflowUiUrl, type ConnectionSettings } from './connection-settings';
import { TemporalUnavailableError } from './errors';
import { loadModelRegistry } from './model-registry-file';
import { SessionsClient } from './sessions-client';
import { WorkerProbe } from './worker-probe';

export interface BatonClientOptions extends Partial<ConnectionSettings> {
  env?: NodeJS.ProcessEnv;
  /** Model registry; defaults to the built-in models plus `BATON_MODELS_FILE`. */
  models?: ModelRegistry;
}

/**
 * baton for programs: the same operations as the `baton` CLI.
 *
 * @example
 * const baton = await BatonClient.connect();
 * try {
 *   const { session_id } = await baton.sessions.start({ task: 'Plan the migration' });
 *   const { reply, token_budget } = await baton.sessions.send(session_id, 'Where do we start?');
 * } finally {
 *   await baton.close();
 * }
 */
export class BatonClient {
  readonly sessions: SessionsClient;
  private readonly probe: WorkerProbe;

  private constructor(
    readonly temporal: Client,
    private readonly connection: Connection,
    readonly settings: ConnectionSettings,
    models: ModelRegistry,
  ) {
    this.probe = new WorkerProbe(temporal, settings.namespace, settings.taskQueue);
    this.sessions = new SessionsClient(temporal, settings, models, this.probe);
  }

  /**
   * Connects to Temporal.
   * @throws TemporalUnavailableError when no server answers at the address.
   */
  static async connect(options: BatonClientOptions = {}): Promise<BatonClient> {
    const { env, models, ...overrides } = options;
    const settings = resolveConnectionSettings(overrides, env);
    const registry = models ?? loadModelRegistry(env);
    let connection: Connection;
    try {
      connection = await Connection.connect({
        address: settings.address,
        connectTimeout: 3_000,
        ...(settings.tls ? { tls: settings.tls } : {}),
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
      });
    } catch (err) {
      throw new TemporalUnavailableError(
        `Cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}). ` +
          'Start a dev server with `baton dev`, or set TEMPORAL_ADDRESS to your server.',
      );
    }
    const client = new Client({ connection, namespace: settings.namespace });
    return new BatonClient(client, connection, settings, registry);
  }

  /**
   * Waits until a worker polls baton's task queue, for programs that have just started one.
   * @throws NoWorkerError when none does within `timeoutMs`.
   */
  async waitForWorker(timeoutMs?: number): Promise<void> {
    await this.probe.waitForPoller(timeoutMs);
  }

  /** The Temporal UI page of a workflow (a session id is its workflow id). */
  uiUrl(workflowId: string, runId?: string): string {
    return workflowUiUrl(this.settings, workflowId, runId);
  }

  /** Closes the connection to Temporal. */
  async close(): Promise<void> {
    await this.connection.close();
  }
}

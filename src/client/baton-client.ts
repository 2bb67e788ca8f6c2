import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { createDataConverter } from '../codec/data-converter';
import path from 'node:path';
import type { ConversationStore } from '../store';
import { batonHome } from '../temporal/cache-dir';
import { resolveConnectionSettings, workflowUiUrl, type ConnectionSettings } from './connection-settings';
import { InvalidInputError, TemporalUnavailableError } from './errors';
import { loadModelsFile } from './model-registry-file';
import { ModelResolver } from './model-resolver';
import type { ModelSpec } from '../domain/models';
import { SessionsClient } from './sessions-client';
import { HandoffsClient } from './handoffs-client';
import { SpecsClient } from './specs-client';
import { DEFAULT_WORKER_WAIT_MS, WorkerProbe } from './worker-probe';

export interface BatonClientOptions extends Partial<ConnectionSettings> {
  env?: NodeJS.ProcessEnv;
  /**
   * The conversation store, for export and import (which read and write nodes directly). Defaults
   * to the worker's: `BATON_STORE_URL`, else `.baton/store`, opened on first use.
   */
  store?: ConversationStore;
  /**
   * Payload codecs and converters; defaults to `createDataConverter(env)`: AES-256-GCM encryption
   * when `BATON_ENCRYPTION_KEY` is set, Temporal's default converter otherwise.
   */
  dataConverter?: DataConverter;
  /**
   * How long a request waits for a worker to show up on the task queue before it fails with
   * NoWorkerError (ms); defaults to `BATON_WORKER_WAIT_MS`, else 3,000.
   */
  workerWaitMs?: number;
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
  /** Multi-agent handoffs (spec-builder → tdd-implementer → doc-syncer). */
  readonly handoffs: HandoffsClient;
  readonly specs: SpecsClient;
  private readonly probe: WorkerProbe;
  private store: Promise<ConversationStore> | undefined;
  private readonly ownsStore: boolean;

  private constructor(
    readonly temporal: Client,
    private readonly connection: Connection,
    readonly settings: ConnectionSettings,
    env: NodeJS.ProcessEnv,
    extraModels: readonly ModelSpec[],
    store: ConversationStore | undefined,
    workerWaitMs: number,
  ) {
    this.probe = new WorkerProbe(temporal, settings.namespace, settings.taskQueue, workerWaitMs);
    // Models are resolved by a worker, whose catalog holds the Models API's answers and the price
    // table; this client's BATON_MODELS_FILE travels with each lookup.
    const models = new ModelResolver(temporal, settings, this.probe, extraModels);
    this.ownsStore = store === undefined;
    if (store) this.store = Promise.resolve(store);
    const context = {
      client: temporal,
      settings,
      models,
      workers: this.probe,
      // Loaded on first use: the store (and the PostgreSQL driver) is for export and import only.
      store: () =>
        (this.store ??= import('../store/index.js').then(({ openConversationStore }) =>
          openConversationStore({
            ...(env.BATON_STORE_URL ? { url: env.BATON_STORE_URL } : {}),
            baseDir: path.join(batonHome(env), 'store'),
          }),
        )),
    };
    this.sessions = new SessionsClient(context);
    this.handoffs = new HandoffsClient({ client: temporal, settings, models, workers: this.probe });
    this.specs = new SpecsClient(context);
  }

  /**
   * Connects to Temporal.
   * @throws TemporalUnavailableError when no server answers at the address.
   * @throws EncryptionKeyError when `BATON_ENCRYPTION_KEY` (or its companions) is malformed.
   * @throws InvalidInputError when `BATON_WORKER_WAIT_MS` is not a whole number of milliseconds.
   */
  static async connect(options: BatonClientOptions = {}): Promise<BatonClient> {
    const { env, store, dataConverter: givenConverter, workerWaitMs, ...overrides } = options;
    const settings = resolveConnectionSettings(overrides, env);
    const waitMs = workerWaitMs ?? workerWaitFromEnv(env ?? process.env);
    // Checked before connecting, so a broken models file is reported whatever the command.
    const extraModels = loadModelsFile(env ?? process.env);
    const dataConverter = givenConverter ?? createDataConverter(env ?? process.env);
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
    const client = new Client({
      connection,
      namespace: settings.namespace,
      ...(dataConverter ? { dataConverter } : {}),
    });
    return new BatonClient(client, connection, settings, env ?? process.env, extraModels, store, waitMs);
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

  /** Closes the connection to Temporal (and the store, if this client opened it). */
  async close(): Promise<void> {
    await this.connection.close();
    if (this.ownsStore && this.store) await (await this.store).close();
  }
}

/** `BATON_WORKER_WAIT_MS`, checked: a whole number of milliseconds, 0 or more. */
function workerWaitFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.BATON_WORKER_WAIT_MS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_WORKER_WAIT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new InvalidInputError(
      `BATON_WORKER_WAIT_MS must be a whole number of milliseconds (0 or more), got '${raw}'. Unset it for the default (${DEFAULT_WORKER_WAIT_MS}).`,
    );
  }
  return ms;
}

import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import { resolveConnectionSettings } from '../client/connection-settings';
import { createAnthropicClient, needsOfflineModel, OfflineModel, resolveModelEndpoint } from '../model';
import { openConversationStore, type ConversationStore } from '../store';
import { batonHome } from '../temporal/cache-dir';
import { createBatonWorker } from './create-worker';
import { createTokenCounter } from './token-counter';

export interface WorkerRuntime {
  worker: Worker;
  mode: 'api' | 'offline' | 'custom';
  /** The offline model's base URL when this runtime started one. */
  offlineModelUrl?: string;
  /** Stops the worker and everything it started. */
  shutdown(): Promise<void>;
}

/**
 * Everything a worker process needs, from the environment: the Temporal connection, the
 * conversation store (`BATON_STORE_URL`, default `.baton/store`), the model endpoint (the real API
 * with `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, or an offline model started here), and the worker.
 */
export async function startWorkerRuntime(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
): Promise<WorkerRuntime> {
  installRuntimeLogger(env);
  const settings = resolveConnectionSettings({}, env);
  let offline: OfflineModel | undefined;
  let store: ConversationStore | undefined;
  let connection: NativeConnection | undefined;
  try {
    if (needsOfflineModel(env)) {
      offline = await OfflineModel.start({ port: Number(env.BATON_OFFLINE_MODEL_PORT ?? 0) });
      log(`Offline model (a local stand-in for the Anthropic API) at ${offline.baseURL}`);
    }
    const endpoint = resolveModelEndpoint(env, offline?.baseURL);
    const anthropic = createAnthropicClient({
      ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
      ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
    });
    store = await openConversationStore({
      ...(env.BATON_STORE_URL ? { url: env.BATON_STORE_URL } : {}),
      baseDir: path.join(batonHome(env), 'store'),
    });
    connection = await NativeConnection.connect({
      address: settings.address,
      ...(settings.tls ? { tls: settings.tls } : {}),
      ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    });
    const worker = await createBatonWorker({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      store,
      anthropic,
      countTokens: createTokenCounter(endpoint.mode, anthropic),
    });
    log(`Worker polling task queue '${settings.taskQueue}' on ${settings.address} (model: ${endpoint.mode})`);
    const openedStore = store;
    const openedConnection = connection;
    return {
      worker,
      mode: endpoint.mode,
      ...(offline ? { offlineModelUrl: offline.baseURL } : {}),
      async shutdown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await openedConnection.close().catch(() => undefined);
        await openedStore.close();
        await offline?.stop();
      },
    };
  } catch (err) {
    await connection?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await offline?.stop().catch(() => undefined);
    throw err;
  }
}

let runtimeInstalled = false;

/**
 * The Temporal runtime logs at WARN unless `BATON_LOG_LEVEL` says otherwise: a worker's INFO
 * lines (bundle sizes, state changes) drown what `baton dev` and the demo print for the user.
 */
function installRuntimeLogger(env: NodeJS.ProcessEnv): void {
  if (runtimeInstalled) return;
  const level = (env.BATON_LOG_LEVEL ?? 'WARN').toUpperCase() as LogLevel;
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}

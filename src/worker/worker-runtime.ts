import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import { resolveConnectionSettings } from '../client/connection-settings';
import { createDataConverter } from '../codec/data-converter';
import { EncryptionCodec } from '../codec/encryption-codec';
import { createAnthropicClient, needsOfflineModel, OfflineModel, resolveModelEndpoint } from '../model';
import { loadMcpConfig, McpClientPool } from '../mcp';
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
 * With `BATON_ENCRYPTION_KEY` set, every payload is encrypted (see `createDataConverter`); with
 * `BATON_WORKFLOW_BUNDLE` naming a prebuilt bundle (`dist/workflow-bundle.js` in the Docker
 * image), the worker uses it instead of bundling the workflows at start.
 */
export async function startWorkerRuntime(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
): Promise<WorkerRuntime> {
  installRuntimeLogger(env);
  const settings = resolveConnectionSettings({}, env);
  // Read before anything starts, so a malformed key or a missing bundle fails at once.
  const dataConverter = createDataConverter(env);
  const workflowBundle = workflowBundleFromEnv(env);
  let offline: OfflineModel | undefined;
  let store: ConversationStore | undefined;
  let connection: NativeConnection | undefined;
  let mcp: McpClientPool | undefined;
  try {
    if (needsOfflineModel(env)) {
      offline = await OfflineModel.start({ port: Number(env.BATON_OFFLINE_MODEL_PORT ?? 0) });
      log(`Offline model (a local stand-in for the Anthropic API) at ${offline.baseURL}`);
    }
    const endpoint = resolveModelEndpoint(env, offline?.baseURL);
    const anthropic = createAnthropicClient({
      ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
      ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
      // Time to the response's headers; a stream answers at once, so a long wait means a hang.
      timeoutMs: positiveNumber(env.BATON_MODEL_TIMEOUT_MS, 'BATON_MODEL_TIMEOUT_MS') ?? 120_000,
    });
    store = await openConversationStore({
      ...(env.BATON_STORE_URL ? { url: env.BATON_STORE_URL } : {}),
      baseDir: path.join(batonHome(env), 'store'),
    });
    const mcpConfig = await loadMcpConfig({ env });
    const mcpServers = Object.keys(mcpConfig.config.servers);
    if (mcpServers.length > 0) {
      mcp = new McpClientPool({ servers: mcpConfig.config.servers, env });
      log(`MCP servers from ${mcpConfig.path ?? 'configuration'}: ${mcpServers.join(', ')}`);
    }
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
      ...(mcp ? { mcp } : {}),
      ...(dataConverter ? { dataConverter } : {}),
      ...(workflowBundle ? { workflowBundle } : {}),
    });
    const codec = dataConverter?.payloadCodecs?.find((c) => c instanceof EncryptionCodec);
    if (codec instanceof EncryptionCodec)
      log(`Payloads encrypted with key ${codec.current.id} (AES-256-GCM)`);
    // Built, not yet polling: `worker.run()` starts the polls (and `baton dev` waits until they show).
    log(`Worker for task queue '${settings.taskQueue}' on ${settings.address} (model: ${endpoint.mode})`);
    const openedStore = store;
    const openedConnection = connection;
    const openedMcp = mcp;
    return {
      worker,
      mode: endpoint.mode,
      ...(offline ? { offlineModelUrl: offline.baseURL } : {}),
      async shutdown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        // The connection must outlive the worker's drain (in-flight tasks finish and report).
        await untilStopped(worker);
        await openedConnection.close().catch(() => undefined);
        await openedStore.close();
        await openedMcp?.close();
        await offline?.stop();
      },
    };
  } catch (err) {
    await connection?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await mcp?.close().catch(() => undefined);
    await offline?.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * `{ codePath }` of the prebuilt workflow bundle named by `BATON_WORKFLOW_BUNDLE`, if any.
 *
 * @throws Error when the variable names a file that does not exist.
 */
function workflowBundleFromEnv(env: NodeJS.ProcessEnv): { codePath: string } | undefined {
  const codePath = env.BATON_WORKFLOW_BUNDLE?.trim();
  if (!codePath) return undefined;
  const resolved = path.resolve(codePath);
  if (!fs.existsSync(resolved)) {
    throw new Error(
      `BATON_WORKFLOW_BUNDLE names ${resolved}, which does not exist. Build it with \`npx tsx scripts/bundle-workflows.ts\`, or unset the variable to bundle at start.`,
    );
  }
  return { codePath: resolved };
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

async function untilStopped(worker: Worker, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const running = ['RUNNING', 'STOPPING', 'DRAINING', 'DRAINED'];
  while (running.includes(worker.getState()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A positive number from an environment variable, or undefined when it is unset. */
function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a positive number of milliseconds, got '${value}'.`);
  return n;
}

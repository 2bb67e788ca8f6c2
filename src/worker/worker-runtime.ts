import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import { resolveConnectionSettings } from '../client/connection-settings';
import { createDataConverter } from '../codec/data-converter';
import { EncryptionCodec } from '../codec/encryption-codec';
import { loadModelRegistry } from '../client/model-registry-file';
import {
  createAnthropicClient,
  loadOfflineScript,
  ModelCatalog,
  needsOfflineModel,
  OfflineModel,
  resolveModelEndpoint,
} from '../model';
import { loadMcpConfig, McpClientPool } from '../mcp';
import { openConversationStore, type ConversationStore } from '../store';
import { batonHome } from '../temporal/cache-dir';
import { WorkspaceHost } from '../workspace';
import { createBatonWorker, createWorkspaceWorker } from './create-worker';
import { createTokenCounter } from './token-counter';

export interface WorkerRuntime {
  /** The worker on the shared task queue: workflows and every activity that can run anywhere. */
  worker: Worker;
  /** The worker on this process's own task queue: the activities of the workspaces on this disk. */
  workspaceWorker: Worker;
  /** This process's workspaces: task queue, sandbox status, state folder. */
  workspaces: WorkspaceHost;
  mode: 'api' | 'offline' | 'custom';
  /** The offline model's base URL when this runtime started one. */
  offlineModelUrl?: string;
  /** Runs both workers until they are shut down (SIGINT/SIGTERM, or {@link WorkerRuntime.shutdown}). */
  run(): Promise<void>;
  /** Stops the workers and everything they started. */
  shutdown(): Promise<void>;
}

/**
 * Everything a worker process needs, from the environment: the Temporal connection, the
 * conversation store (`BATON_STORE_URL`, default `.baton/store`), the model endpoint (the real API
 * with `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, or an offline model started here), and the worker.
 * With `BATON_ENCRYPTION_KEY` set, every payload is encrypted (see `createDataConverter`); with
 * `BATON_WORKFLOW_BUNDLE` naming a prebuilt bundle (`dist/workflow-bundle.js` in the Docker
 * image), the worker uses it instead of bundling the workflows at start.
 *
 * Beside the worker on the shared task queue runs a second one on this process's own task queue
 * (`BATON_WORKSPACE_QUEUE`, default derived from the host and `BATON_HOME`) for the workspaces on
 * this disk; commands run under bubblewrap unless `BATON_UNSAFE_COMMANDS=1`. Offline,
 * `BATON_OFFLINE_SCRIPT` names a script of replies and tool calls for the offline model.
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
  // The price table (built-in plus BATON_MODELS_FILE): the catalog adds its prices to the Models
  // API's answers, and the offline model serves it as its Models API.
  const table = loadModelRegistry(env);
  let offline: OfflineModel | undefined;
  let store: ConversationStore | undefined;
  let connection: NativeConnection | undefined;
  let mcp: McpClientPool | undefined;
  try {
    if (needsOfflineModel(env)) {
      const scriptFile = env.BATON_OFFLINE_SCRIPT?.trim();
      const script = scriptFile ? await loadOfflineScript(path.resolve(scriptFile)) : undefined;
      offline = await OfflineModel.start({
        port: Number(env.BATON_OFFLINE_MODEL_PORT ?? 0),
        ...(script ? { script } : {}),
        models: table.models,
      });
      log(`Offline model (a local stand-in for the Anthropic API) at ${offline.baseURL}`);
      if (script) log(`Offline script ${scriptFile ?? ''}: ${script.steps.map((s) => s.name).join(', ')}`);
    } else if (env.BATON_OFFLINE_SCRIPT?.trim()) {
      log(
        'BATON_OFFLINE_SCRIPT is ignored: the worker talks to a real model endpoint, which follows no script.',
      );
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
    const home = batonHome(env);
    const workspaces = await WorkspaceHost.create({
      stateDir: path.join(home, 'workspaces'),
      store,
      env,
      unsafeCommands: isTrue(env.BATON_UNSAFE_COMMANDS),
      // Commands never see baton's own state (the store, the dev server's database, journals).
      hide: [home, ...(env.BATON_SANDBOX_HIDE ?? '').split(':').filter((p) => p !== '')],
      passEnv: (env.BATON_COMMAND_ENV ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
      ...(env.BATON_WORKSPACE_QUEUE?.trim() ? { taskQueue: env.BATON_WORKSPACE_QUEUE.trim() } : {}),
    });
    const streamBatchMs = positiveNumber(env.BATON_STREAM_BATCH_MS, 'BATON_STREAM_BATCH_MS');
    const worker = await createBatonWorker({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      store,
      anthropic,
      countTokens: createTokenCounter(endpoint.mode, anthropic),
      ...(mcp ? { mcp } : {}),
      models: new ModelCatalog({ anthropic, table }),
      ...(streamBatchMs ? { streamBatchMs } : {}),
      ...(dataConverter ? { dataConverter } : {}),
      ...(workflowBundle ? { workflowBundle } : {}),
      workspaces,
    });
    const workspaceWorker = await createWorkspaceWorker({
      connection,
      namespace: settings.namespace,
      host: workspaces,
      ...(dataConverter ? { dataConverter } : {}),
    });
    const codec = dataConverter?.payloadCodecs?.find((c) => c instanceof EncryptionCodec);
    if (codec instanceof EncryptionCodec)
      log(`Payloads encrypted with key ${codec.current.id} (AES-256-GCM)`);
    // Built, not yet polling: `worker.run()` starts the polls (and `baton dev` waits until they show).
    log(`Worker for task queue '${settings.taskQueue}' on ${settings.address} (model: ${endpoint.mode})`);
    log(
      `Workspaces on task queue '${workspaces.taskQueue}'; commands: ${workspaces.sandbox.mode} (${workspaces.sandbox.detail})`,
    );
    const openedStore = store;
    const openedConnection = connection;
    const openedMcp = mcp;
    return {
      worker,
      workspaceWorker,
      workspaces,
      mode: endpoint.mode,
      ...(offline ? { offlineModelUrl: offline.baseURL } : {}),
      async run() {
        // When one stops (a signal stops both), the other is shut down too.
        await Promise.all(
          [worker, workspaceWorker].map((w) =>
            w.run().finally(() => {
              for (const other of [worker, workspaceWorker])
                if (other.getState() === 'RUNNING') other.shutdown();
            }),
          ),
        );
      },
      async shutdown() {
        for (const w of [worker, workspaceWorker]) if (w.getState() === 'RUNNING') w.shutdown();
        // The connection must outlive the workers' drain (in-flight tasks finish and report).
        await untilStopped(worker);
        await untilStopped(workspaceWorker);
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

/** `1`, `true` or `yes` (any case). */
function isTrue(value: string | undefined): boolean {
  return /^(1|true|yes)$/i.test(value?.trim() ?? '');
}

/** A positive number from an environment variable, or undefined when it is unset. */
function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a positive number of milliseconds, got '${value}'.`);
  return n;
}

/**
 * Pieces the reliability tests share: a baton worker in a child process (to SIGKILL it, or to read
 * everything it logs), an in-process stack whose parts can be tuned (store caches, model timeout,
 * another Temporal server), and readers of the offline model's request log and of the store dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { BatonClient } from '../../src/client';
import { textOf } from '../../src/domain/session';
import { createAnthropicClient, OfflineModel, type RequestLogEntry } from '../../src/model';
import { FileConversationStore, type FileConversationStoreOptions } from '../../src/store';
import { createBatonWorker } from '../../src/worker/create-worker';
import { createTokenCounter } from '../../src/worker/token-counter';

const REPO_ROOT = path.join(__dirname, '..', '..');
const WORKER_ENTRY = path.join(__dirname, 'worker-process.ts');
const READY = 'WORKER_READY';

/** A fresh temp directory (removed by the caller). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A unique task queue, so each test's workers see only its own workflows. */
export function uniqueTaskQueue(label: string): string {
  return `rel-${label}-${randomUUID().slice(0, 8)}`;
}

// ---------------------------------------------------------------------------------------------
// A worker in a child process

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  /** Directory of the FileConversationStore the test reads too; `<storeDir>-home` is created too. */
  storeDir: string;
  /** The test's offline model (`model.baseURL`). */
  modelUrl: string;
  workflowBundlePath: string;
  /** More environment (e.g. `ANTHROPIC_API_KEY`, `BATON_LOG_LEVEL`). Nothing else is inherited. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** A running `test/support/worker-process.ts`. */
export interface WorkerProcess {
  pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a baton worker in a child process (`node --import tsx test/support/worker-process.ts`)
 * and resolves once it polls. Its environment is built from the options only, never inherited, so
 * a test knows every variable the worker saw.
 * @throws Error with the process output when it exits or does not get ready in time.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  // The worker's own folder, next to the store: its BATON_HOME, and an MCP configuration with no
  // servers (it runs in the repository, so a stray .mcp.json there must not change the test).
  const home = `${options.storeDir}-home`;
  fs.mkdirSync(home, { recursive: true });
  const mcpConfig = path.join(home, 'mcp.json');
  fs.writeFileSync(mcpConfig, JSON.stringify({ mcpServers: {} }));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: options.address,
    BATON_TASK_QUEUE: options.taskQueue,
    BATON_STORE_URL: `file:${options.storeDir}`,
    BATON_HOME: home,
    BATON_MCP_CONFIG: mcpConfig,
    ANTHROPIC_BASE_URL: options.modelUrl,
    BATON_WORKFLOW_BUNDLE: options.workflowBundlePath,
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(READY)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The worker process exited before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The worker process was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(50);
  }
  return {
    pid: child.pid!,
    output: () => output,
    kill: (signal) => killAndWait(child, exited, signal),
  };
}

async function killAndWait(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals) {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
}

// ---------------------------------------------------------------------------------------------
// An in-process stack with tunable parts

export interface InProcessStack {
  baton: BatonClient;
  model: OfflineModel;
  /** The worker's own store (the test reads the directory through {@link readStore}). */
  storeDir: string;
  taskQueue: string;
  address: string;
  worker: Worker;
  /** Resolves when the worker stops; rejects if it fails. */
  running: Promise<void>;
  teardown(): Promise<void>;
}

export interface InProcessStackOptions {
  address: string;
  workflowBundlePath: string;
  label: string;
  /** Per-request timeout of the worker's Anthropic client (the SDK's 10 minutes by default). */
  modelTimeoutMs?: number;
  /** Cache sizes of the worker's store; small ones make every read go to disk. */
  storeCache?: Pick<FileConversationStoreOptions, 'nodeCacheSize' | 'pathCacheNodes'>;
}

let runtimeInstalled = false;

/** Worker logs at WARN, as in test-environment.ts (one Runtime per process). */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Another helper in this process installed it first; that one is as good.
  }
  runtimeInstalled = true;
}

/**
 * An offline model, a filesystem store in a temp dir, a worker on its own task queue and a
 * BatonClient, all in this process, on the Temporal server at `address`.
 */
export async function startInProcessStack(options: InProcessStackOptions): Promise<InProcessStack> {
  installQuietRuntime();
  const taskQueue = uniqueTaskQueue(options.label);
  const model = await OfflineModel.start();
  const storeDir = tempDir('baton-rel-store-');
  const store = new FileConversationStore({ root: storeDir, ...options.storeCache });
  const connection = await NativeConnection.connect({ address: options.address });
  const anthropic = createAnthropicClient({
    apiKey: 'offline-test-key',
    baseURL: model.baseURL,
    ...(options.modelTimeoutMs !== undefined ? { timeoutMs: options.modelTimeoutMs } : {}),
  });
  const worker = await createBatonWorker({
    connection,
    taskQueue,
    store,
    anthropic,
    countTokens: createTokenCounter('offline', anthropic),
    workflowBundle: { codePath: options.workflowBundlePath },
  });
  const running = worker.run();
  const clientStore = new FileConversationStore({ root: storeDir });
  const baton = await BatonClient.connect({
    address: options.address,
    taskQueue,
    env: {},
    store: clientStore,
  });
  // A worker that has just started takes a moment to show as a poller.
  await baton.waitForWorker();
  return {
    baton,
    model,
    storeDir,
    taskQueue,
    address: options.address,
    worker,
    running,
    async teardown() {
      await baton.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await store.close();
      await clientStore.close();
      await model.stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading what happened

/** The model calls (`POST /v1/messages`, not token counts) whose last user text contains `text`. */
export function modelCalls(model: OfflineModel, text = ''): RequestLogEntry[] {
  return model.requests.filter((r) => r.path === '/v1/messages' && r.last_user_text.includes(text));
}

/** Waits until the offline model has received a model call containing `text` that is still open. */
export async function waitForCallInFlight(model: OfflineModel, text: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = modelCalls(model, text).find((r) => r.status === null);
    if (open) return open;
    if (Date.now() > deadline) {
      throw new Error(
        `No model call with '${text}' in flight after ${timeoutMs / 1000} s; requests: ` +
          JSON.stringify(model.requests.map((r) => [r.path, r.last_user_text.slice(0, 60), r.status])),
      );
    }
    await sleep(50);
  }
}

/**
 * A store over `dir` with no memory of earlier reads: what is on disk now. Close it after use.
 */
export function readStore(dir: string): FileConversationStore {
  return new FileConversationStore({ root: dir });
}

/** Every file under `dir`, relative and sorted (a crash can leave temp files; they count too). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** The text of every user message on the conversation path to `head`. */
export async function userTexts(storeDir: string, head: string): Promise<string[]> {
  const store = readStore(storeDir);
  try {
    const nodes = await store.path(head);
    return nodes.filter((n) => n.role === 'user').map((n) => textOf(n.content));
  } finally {
    await store.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * baton's production shape, run for real without Docker: the Temporal server built from source on
 * PostgreSQL (test/support/temporal-server.ts, with deploy/'s scripts and config), the run's
 * PostgreSQL also holding the conversation store, `npm run build` and the workflow bundle built as
 * the Dockerfile builds them, the COMPILED worker (`node dist/worker.js`) in several processes,
 * payload encryption on, the compiled codec server (`node dist/cli.js codec-server`), and the
 * Temporal UI server pointed at the server and the codec, as docker-compose.yml wires them.
 *
 * The model is the offline stand-in, one for all workers and owned by the test, so its request
 * log shows every call whichever worker made it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { BatonClient } from '../../src/client';
import { generateEncryptionKey } from '../../src/codec';
import { OfflineModel } from '../../src/model';
import { freePort } from '../../src/temporal/dev-server';
import {
  findOrBuildTemporalServer,
  findOrBuildTemporalUiServer,
} from '../../src/temporal/temporal-server-build';
import { findOrBuildTemporalCli } from '../../src/temporal/temporal-cli';
import { startTemporalServer, type TemporalServer } from './temporal-server';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
/** Where the Dockerfile puts the prebuilt bundle (BATON_WORKFLOW_BUNDLE in the image). */
const BUNDLE = path.join(DIST, 'workflow-bundle.js');

/** A compiled worker process (`node dist/worker.js`). */
export interface CompiledWorker {
  pid: number;
  /** `<pid>@<host>`, the identity Temporal records for the tasks it runs. */
  identity: string;
  output(): string;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  exited(): boolean;
}

export interface Topology {
  address: string;
  namespace: string;
  taskQueue: string;
  model: OfflineModel;
  /** A client with the workers' encryption key. */
  baton: BatonClient;
  encryptionKey: string;
  /** baton's conversation store (its own database on the run's PostgreSQL). */
  storeUrl: string;
  /** The Temporal UI server, pointed at this server and the codec server. */
  uiUrl: string;
  codecUrl: string;
  server: TemporalServer;
  /** The `temporal-server` binary the server runs. */
  serverPath: string;
  /** The temporal CLI (for `workflow show --codec-endpoint`). */
  cliPath: string;
  workDir: string;
  /** How long each part took to come up, in ms. */
  timings: Record<string, number>;
  /** Worker processes still alive. */
  liveWorkers(): CompiledWorker[];
  /** Starts worker processes until `count` are alive, each polling before this resolves. */
  ensureWorkers(count: number): Promise<void>;
  /** The worker that is running `workflowId`'s pending activity `activityType`. */
  workerRunning(workflowId: string, activityType: string): Promise<CompiledWorker>;
  /** Environment for a compiled `node dist/cli.js` next to this topology. */
  cliEnv(): NodeJS.ProcessEnv;
  teardown(): Promise<void>;
}

export interface TopologyOptions {
  /** `inject('postgresUrl')`: the run's PostgreSQL server. */
  postgresUrl: string;
  workers: number;
  log?: (line: string) => void;
}

/**
 * Builds and starts everything. The Temporal server and UI server are built with Go on the first
 * run (minutes; cached under ~/.cache/baton), the rest takes about a minute.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = Date.now() - started;
    }
  };
  const cleanups: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-topology-'));
    cleanups.push(() => fs.promises.rm(workDir, { recursive: true, force: true }));
    const onProgress = (line: string) => log(line);
    const [install, ui, cliPath] = await timed('Go builds (cached after the first run)', () =>
      Promise.all([
        findOrBuildTemporalServer({ onProgress }),
        findOrBuildTemporalUiServer({ onProgress }),
        findOrBuildTemporalCli({ onProgress }),
      ]),
    );

    const pg = new URL(options.postgresUrl);
    const postgres = {
      host: pg.hostname,
      port: Number(pg.port),
      user: decodeURIComponent(pg.username),
      password: decodeURIComponent(pg.password),
    };
    const id = randomBytes(4).toString('hex');
    const databases = { temporal: `temporal_${id}`, visibility: `temporal_vis_${id}`, baton: `baton_${id}` };
    cleanups.push(() => dropDatabases(options.postgresUrl, Object.values(databases)));
    const namespace = 'default';

    // The build and the server come up side by side: both take a while on their own.
    const [server] = await Promise.all([
      timed('Temporal server: schema, start, namespace', () =>
        startTemporalServer({ install, postgres, databases, cliPath, namespace, workDir, log }),
      ),
      timed('npm run build and the workflow bundle', () => buildLikeTheDockerfile(log)),
    ]);
    cleanups.push(() => server.stop());
    Object.assign(timings, server.timings);

    const storeUrl = `postgres://${encodeURIComponent(postgres.user)}:${encodeURIComponent(postgres.password)}@${postgres.host}:${postgres.port}/${databases.baton}`;
    const encryptionKey = generateEncryptionKey();
    const taskQueue = `topology-${id}`;
    const model = await OfflineModel.start();
    cleanups.push(() => model.stop());

    const uiPort = await freePort();
    const uiOrigin = `http://127.0.0.1:${uiPort}`;
    const codecPort = await freePort();
    const codecUrl = `http://127.0.0.1:${codecPort}`;

    const mcpConfig = path.join(workDir, 'mcp.json');
    fs.writeFileSync(mcpConfig, JSON.stringify({ mcpServers: {} }));
    const workerEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: namespace,
      BATON_TASK_QUEUE: taskQueue,
      BATON_STORE_URL: storeUrl,
      BATON_WORKFLOW_BUNDLE: BUNDLE,
      BATON_ENCRYPTION_KEY: encryptionKey,
      ANTHROPIC_BASE_URL: model.baseURL,
      BATON_MCP_CONFIG: mcpConfig,
      BATON_LOG_LEVEL: 'WARN',
    };
    const baton = await BatonClient.connect({
      env: {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: namespace,
        BATON_TASK_QUEUE: taskQueue,
        BATON_ENCRYPTION_KEY: encryptionKey,
        BATON_STORE_URL: storeUrl,
        BATON_UI_URL: uiOrigin,
      },
    });
    cleanups.push(() => baton.close());

    const workers: CompiledWorker[] = [];
    cleanups.push(async () => {
      for (const w of workers) await w.kill('SIGKILL');
    });
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    let started = 0;
    const ensureWorkers = async (count: number) => {
      const missing = count - workers.filter((w) => !w.exited()).length;
      const fresh = Array.from({ length: Math.max(0, missing) }, () => {
        const home = path.join(workDir, `worker-${++started}`);
        fs.mkdirSync(home);
        return startCompiledWorker({ ...workerEnv, BATON_HOME: home, HOME: home });
      });
      workers.push(...fresh);
      for (const w of fresh) await waitForPoller(connection, namespace, taskQueue, w);
    };
    // The codec server, the UI server and the workers come up side by side.
    await Promise.all([
      timed('codec server', async () => {
        const codec = await startCodecServerProcess(workDir, encryptionKey, uiOrigin, codecPort);
        cleanups.push(() => stopProcess(codec));
      }),
      timed('UI server', async () => {
        const uiServer = await startUiServer(
          ui.uiServerPath,
          path.dirname(ui.configDir),
          {
            TEMPORAL_ADDRESS: server.address,
            TEMPORAL_UI_PORT: String(uiPort),
            TEMPORAL_DEFAULT_NAMESPACE: namespace,
            TEMPORAL_CODEC_ENDPOINT: codecUrl,
            TEMPORAL_NOTIFY_ON_NEW_VERSION: 'false',
            TEMPORAL_CORS_ORIGINS: uiOrigin,
          },
          uiOrigin,
          path.join(workDir, 'temporal-ui.log'),
        );
        cleanups.push(() => stopProcess(uiServer));
      }),
      timed(`${options.workers} compiled workers`, () => ensureWorkers(options.workers)),
    ]);

    return {
      address: server.address,
      namespace,
      taskQueue,
      model,
      baton,
      encryptionKey,
      storeUrl,
      uiUrl: uiOrigin,
      codecUrl,
      server,
      serverPath: install.serverPath,
      cliPath,
      workDir,
      timings,
      liveWorkers: () => workers.filter((w) => !w.exited()),
      ensureWorkers,
      async workerRunning(workflowId, activityType) {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const { pendingActivities } = await connection.workflowService.describeWorkflowExecution({
            namespace,
            execution: { workflowId },
          });
          const identity = pendingActivities?.find(
            (a) => a.activityType?.name === activityType && a.lastWorkerIdentity,
          )?.lastWorkerIdentity;
          const worker = workers.find((w) => w.identity === identity && !w.exited());
          if (worker) return worker;
          if (Date.now() > deadline)
            throw new Error(
              `No live worker runs ${activityType} of ${workflowId} (pending: ${JSON.stringify(pendingActivities?.map((a) => [a.activityType?.name, a.lastWorkerIdentity]))}).`,
            );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      cliEnv: () => ({
        PATH: process.env.PATH,
        HOME: workDir,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: namespace,
        BATON_TASK_QUEUE: taskQueue,
        BATON_ENCRYPTION_KEY: encryptionKey,
        BATON_STORE_URL: storeUrl,
        BATON_UI_URL: uiOrigin,
      }),
      teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** `npm run build`, then the workflow bundle into dist/, exactly as the Dockerfile's build stage. */
async function buildLikeTheDockerfile(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  try {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000 });
    const tsx = require.resolve('tsx/cli');
    const { stdout } = await run(
      process.execPath,
      [tsx, path.join(ROOT, 'scripts', 'bundle-workflows.ts'), 'dist/workflow-bundle.js'],
      { cwd: ROOT, timeout: 300_000 },
    );
    log(`npm run build + ${stdout.trim()} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Building like the Dockerfile failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** `node dist/worker.js`, as the Dockerfile's CMD runs it (not yet polling when this returns). */
function startCompiledWorker(env: NodeJS.ProcessEnv): CompiledWorker {
  const child = spawn(process.execPath, [path.join(DIST, 'worker.js')], {
    cwd: env.BATON_HOME,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready means polling, which waitForPoller checks with the server; its log lines may change.
  return {
    pid: child.pid!,
    identity: `${child.pid}@${os.hostname()}`,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** `node dist/cli.js codec-server`, as the compose `codec-server` service runs it. */
async function startCodecServerProcess(
  workDir: string,
  encryptionKey: string,
  uiOrigin: string,
  port: number,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(DIST, 'cli.js'), 'codec-server', '--port', String(port), '--origin', uiOrigin],
    {
      cwd: workDir,
      env: { PATH: process.env.PATH, BATON_ENCRYPTION_KEY: encryptionKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitForOutput(child, () => output, /Codec server at/, 60_000, 'baton codec-server');
  return child;
}

/** The UI server with the `temporalio/ui` image's own config template (`--env docker`). */
async function startUiServer(
  binary: string,
  root: string,
  env: Record<string, string>,
  url: string,
  logFile: string,
): Promise<ChildProcess> {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(binary, ['--root', root, '--config', 'config', '--env', 'docker', 'start'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `The Temporal UI server exited (${child.exitCode}):\n${fs.readFileSync(logFile, 'utf8')}`,
      );
    }
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `The Temporal UI server did not answer at ${url}:\n${fs.readFileSync(logFile, 'utf8')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForOutput(
  child: ChildProcess,
  output: () => string,
  ready: RegExp,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(output())) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited before it was ready:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until Temporal lists the worker as a poller of both the workflow and the activity queue. */
async function waitForPoller(
  connection: Connection,
  namespace: string,
  taskQueue: string,
  worker: CompiledWorker,
): Promise<void> {
  const { TaskQueueType } = temporal.api.enums.v1;
  const { identity } = worker;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (worker.exited()) throw new Error(`node dist/worker.js exited before it polled:\n${worker.output()}`);
    const listed = await Promise.all(
      [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY].map(async (type) => {
        const { pollers } = await connection.workflowService.describeTaskQueue({
          namespace,
          taskQueue: { name: taskQueue },
          taskQueueType: type,
        });
        return (pollers ?? []).some((p) => p.identity === identity);
      }),
    );
    if (listed.every(Boolean)) return;
    if (Date.now() > deadline) {
      await worker.kill('SIGKILL');
      throw new Error(
        `Worker ${identity} does not show as a poller of ${taskQueue} after 90 s. It said:\n${worker.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function dropDatabases(postgresUrl: string, names: string[]): Promise<void> {
  const url = new URL(postgresUrl);
  url.pathname = '/postgres';
  const client = new PgClient({ connectionString: url.href });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

import path from 'node:path';
import { BatonClient } from '../client/baton-client';
import { DEFAULT_ADDRESS } from '../client/connection-settings';
import { batonHome } from '../temporal/cache-dir';
import { findRunningServer, startDevServer, type DevServer } from '../temporal/dev-server';
import { findOrBuildTemporalCli } from '../temporal/temporal-cli';
import { startWorkerRuntime, type WorkerRuntime } from '../worker/worker-runtime';

export interface DevEnvironmentOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Start a worker in this process (default true). */
  worker?: boolean;
}

/** The embedded defaults, running: dev server, offline model (without a key) and a worker. */
export interface DevEnvironment {
  address: string;
  uiUrl: string;
  /** The environment a client in this process should use to reach it. */
  env: NodeJS.ProcessEnv;
  runtime: WorkerRuntime | undefined;
  /** True when this process started the server (false when it reused a running one). */
  ownsServer: boolean;
  shutdown(options?: { keepServer?: boolean }): Promise<void>;
}

/**
 * Starts (or reuses) the Temporal dev server with SQLite persistence under `.baton/`, then a
 * worker. A server already running at the address (an earlier `baton dev`) is reused, even when it
 * is too busy to answer at once (see {@link findRunningServer}).
 */
export async function startDevEnvironment(options: DevEnvironmentOptions = {}): Promise<DevEnvironment> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const address = env.TEMPORAL_ADDRESS ?? DEFAULT_ADDRESS;
  const [host = '127.0.0.1', portText = '7233'] = address.split(':');
  const uiPort = Number(env.BATON_UI_PORT ?? Number(portText) + 1000);
  let uiUrl = env.BATON_UI_URL ?? `http://localhost:${uiPort}`;
  let server: DevServer | undefined;

  if (await findRunningServer(address)) {
    log(`Reusing the Temporal server already running at ${address}.`);
  } else {
    const cliPath = await findOrBuildTemporalCli({ env, onProgress: log });
    const home = batonHome(env);
    log(`Starting the Temporal dev server at ${address} (history in ${path.join(home, 'temporal.db')})…`);
    server = await startDevServer({
      cliPath,
      ip: host,
      port: Number(portText),
      uiPort,
      dbFile: path.join(home, 'temporal.db'),
      logFile: path.join(home, 'logs', 'temporal.log'),
      // Detached so `--keep` can leave it running after this process exits.
      detached: true,
    });
    uiUrl = server.uiUrl?.replace('127.0.0.1', 'localhost') ?? uiUrl;
  }
  const clientEnv = { ...env, TEMPORAL_ADDRESS: address, BATON_UI_URL: uiUrl };
  let runtime: WorkerRuntime | undefined;
  try {
    if (options.worker !== false) runtime = await startWorkerRuntime(clientEnv, log);
  } catch (err) {
    await server?.stop();
    throw err;
  }
  return {
    address,
    uiUrl,
    env: clientEnv,
    runtime,
    ownsServer: server !== undefined,
    async shutdown({ keepServer = false } = {}) {
      await runtime?.shutdown();
      if (!keepServer) await server?.stop();
    },
  };
}

/**
 * Runs the environment's worker and returns once its poller shows on the task queue, so a client
 * started right afterwards (another terminal, a script) finds it: poller lists lag a moment behind
 * a worker that has just started. `running` settles when the worker stops.
 * @throws the worker's error when it stops before it shows, or NoWorkerError after `timeoutMs`.
 */
export async function runWorkerUntilPolling(
  runtime: WorkerRuntime,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<{ running: Promise<void> }> {
  let visible = false;
  // Both workers: the shared queue's, and this process's own for its workspaces.
  const running = runtime.run();
  const stoppedEarly = running.then(() => {
    if (!visible) throw new Error('The worker stopped before it started polling.');
  });
  const baton = await BatonClient.connect({ env });
  try {
    await Promise.race([baton.waitForWorker(timeoutMs), stoppedEarly]);
    visible = true;
  } finally {
    await baton.close();
  }
  // A later failure of the worker is the caller's to see, through `running`.
  stoppedEarly.catch(() => undefined);
  return { running };
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { BATON_SEARCH_ATTRIBUTES } from '../domain/visibility';
import { DevServerStartError } from './errors';

export interface DevServerOptions {
  /** The `temporal` executable (see findOrBuildTemporalCli). */
  cliPath: string;
  /** SQLite file to persist to; omitted = in memory (tests). */
  dbFile?: string;
  ip?: string;
  /** gRPC port; 0 or omitted picks a free one. */
  port?: number;
  /** Web UI port; 0 or omitted picks a free one. */
  uiPort?: number;
  headless?: boolean;
  /** Server log destination; the tail is shown if the server fails to start. */
  logFile: string;
  /** Keep running after this process exits (`npm run demo -- --keep`). */
  detached?: boolean;
  startTimeoutMs?: number;
  /**
   * Eager activity dispatch (default on): when a workflow task schedules an activity on its own
   * task queue and the worker has a free slot, the server hands the activity to that worker in its
   * reply, saving a poll round trip per turn. Off only to measure what it saves.
   */
  eagerActivities?: boolean;
}

/**
 * The server setting that turns eager activity dispatch on; the production compose file sets the
 * same key in `deploy/temporal/dynamicconfig/production-sql.yaml`.
 */
export const EAGER_ACTIVITY_CONFIG_KEY = 'system.enableActivityEagerExecution';

/**
 * How many times a second the history service may read its transfer queue, per shard (Temporal's
 * default is 20). The workflow task that records a turn's reply reaches the worker through that
 * queue, and the dev server has a single shard: at the default, once a second's worth of reads is
 * used up, every turn waits for the next 50 ms slot (measured: a no-op update + activity took 50 ms
 * instead of 28 ms). A read happens only when a task is waiting, so an idle server reads no more.
 * The production dynamic config sets the same key (`deploy/temporal/dynamicconfig/production-sql.yaml`).
 */
export const TRANSFER_POLL_RPS_CONFIG_KEY = 'history.transferProcessorMaxPollRPS';

/** {@link TRANSFER_POLL_RPS_CONFIG_KEY} on the dev servers baton starts: far above any turn rate. */
export const DEV_TRANSFER_POLL_RPS = 1000;

/** A running `temporal server start-dev`. */
export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  pid: number | undefined;
  stop(): Promise<void>;
}

const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  DOUBLE: 'Double',
  INT: 'Int',
  TEXT: 'Text',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `--search-attribute Name=Type` arguments that register baton's attributes at start. */
export function searchAttributeFlags(): string[] {
  return BATON_SEARCH_ATTRIBUTES.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${CLI_TYPE_NAMES[key.type]}`,
  ]);
}

/** The server settings a dev server started by baton gets, as `--dynamic-config-value` pairs. */
export function devServerDynamicConfig(
  options: Pick<DevServerOptions, 'eagerActivities'>,
): Record<string, boolean | number> {
  return {
    [EAGER_ACTIVITY_CONFIG_KEY]: options.eagerActivities ?? true,
    [TRANSFER_POLL_RPS_CONFIG_KEY]: DEV_TRANSFER_POLL_RPS,
  };
}

/**
 * Starts the Temporal dev server and waits until its frontend answers and the `default`
 * namespace is ready.
 * @throws DevServerStartError with the tail of the server log when it exits or does not answer in time.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port || (await freePort(ip));
  const uiPort = options.headless ? undefined : options.uiPort || (await freePort(ip));
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  args.push(...searchAttributeFlags());
  for (const [key, value] of Object.entries(devServerDynamicConfig(options))) {
    args.push('--dynamic-config-value', `${key}=${value}`);
  }

  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(options.cliPath, args, {
    stdio: ['ignore', log, log],
    detached: options.detached ?? false,
  });
  fs.closeSync(log);
  if (options.detached) child.unref();

  const address = `${ip}:${port}`;
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  try {
    await waitUntilReady(address, options.startTimeoutMs ?? 60_000, () => exited);
  } catch (err) {
    child.kill('SIGKILL');
    const tail = readTail(options.logFile);
    throw new DevServerStartError(
      `The Temporal dev server did not start at ${address}: ${(err as Error).message}\n` +
        `Last lines of ${options.logFile}:\n${tail}`,
    );
  }
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}`,
    pid: child.pid,
    stop: () => stopProcess(child),
  };
}

/**
 * True when a Temporal frontend answers at `address` with the `default` namespace ready.
 * Used to reuse a server that `baton dev` or an earlier demo left running.
 */
export async function isServerReady(address: string, namespace = 'default'): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function waitUntilReady(address: string, timeoutMs: number, exitCode: () => number | null | undefined) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const code = exitCode();
    if (code !== undefined) throw new Error(`the server exited with code ${code}`);
    if (await isServerReady(address)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`);
}

/** How long {@link findRunningServer} waits for a busy server that already holds the port. */
const BUSY_SERVER_WAIT_MS = 20_000;

/**
 * Whether a Temporal server already runs at `address`: true when it answers, false when nothing
 * listens there. A port that accepts connections without an answer yet is a server that is busy or
 * still starting (on a loaded machine the first answer can take seconds): it is waited for, since
 * starting a second server there would fail to bind. Throws when it never answers.
 */
export async function findRunningServer(address: string, waitMs = BUSY_SERVER_WAIT_MS): Promise<boolean> {
  if (await isServerReady(address)) return true;
  const [host = '127.0.0.1', port = '7233'] = address.split(':');
  if (!(await isListening(host, Number(port)))) return false;
  try {
    await waitUntilReady(address, waitMs, () => undefined);
    return true;
  } catch {
    throw new DevServerStartError(
      `Something listens at ${address} but does not answer as a Temporal server within ` +
        `${Math.round(waitMs / 1000)} s. Stop what holds that port, or set TEMPORAL_ADDRESS to another ` +
        'address.',
    );
  }
}

/** True when something accepts TCP connections at `host:port`. */
function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(timer);
}

/** A free TCP port on `ip`, chosen by the OS. */
export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function readTail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

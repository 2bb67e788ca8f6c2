/**
 * The real Temporal server (go.temporal.io/server, built from source by
 * src/temporal/temporal-server-build.ts) on PostgreSQL persistence and visibility, set up the
 * way docker-compose.yml sets it up and with the same files:
 *
 * - deploy/temporal/setup-postgres-schema.sh creates the databases and migrates Temporal's schema
 *   with `temporal-sql-tool` (as the `temporal-schema` service does with admin-tools);
 * - `temporal-server start` reads its configuration from the environment through the template
 *   embedded in the binary (as the `temporalio/server` image does), with deploy/temporal/server.env
 *   and deploy/temporal/dynamicconfig/production-sql.yaml;
 * - deploy/temporal/register-search-attributes.sh creates the namespace and baton's search
 *   attributes with the Temporal CLI (as the `temporal-setup` service does).
 *
 * Only addresses, ports, database names and credentials differ from compose.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { TemporalServerStartError } from '../../src/temporal/errors';
import type { TemporalServerInstall } from '../../src/temporal/temporal-server-build';

const run = promisify(execFile);
const DEPLOY = path.join(__dirname, '..', '..', 'deploy', 'temporal');
/** The file docker-compose.yml mounts into the `temporal` service. */
export const DYNAMIC_CONFIG_FILE = path.join(DEPLOY, 'dynamicconfig', 'production-sql.yaml');
/** The settings docker-compose.yml gives the `temporal` service through `env_file`. */
export const SERVER_ENV_FILE = path.join(DEPLOY, 'server.env');

/** Where PostgreSQL is and who connects to it. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalServerOptions {
  install: TemporalServerInstall;
  postgres: PostgresEndpoint;
  /** Database names, unique per test run; Temporal's two and baton's store. */
  databases: { temporal: string; visibility: string; baton: string };
  /** The `temporal` CLI that registers the namespace and search attributes (as admin-tools has). */
  cliPath: string;
  namespace: string;
  /** Folder for the server's log and the setup scripts' output. */
  workDir: string;
  log?: (line: string) => void;
}

/** A running server; `restart` keeps its ports, databases and settings. */
export interface TemporalServer {
  /** `127.0.0.1:<frontend gRPC port>`. */
  address: string;
  logFile: string;
  /** How long each setup step took, in ms. */
  timings: Record<string, number>;
  /** Stops the server (SIGTERM, then SIGKILL after 15 s) and starts it again on the same data. */
  restart(): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

/**
 * `KEY=VALUE` lines of an env file (comments and blank lines skipped), as Compose reads `env_file`.
 * @throws Error naming the line that is neither.
 */
export function readEnvFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(trimmed);
      if (!match) throw new Error(`${file}:${i + 1} is not KEY=VALUE: ${trimmed}`);
      values[match[1]!] = match[2]!;
    });
  return values;
}

/**
 * Creates the databases and schema, starts the server, and registers the namespace and baton's
 * search attributes.
 * @throws TemporalServerStartError with the tail of the server log when it does not come up.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings[step] = Date.now() - started;
    return result;
  };
  const { postgres, databases } = options;
  const toolPath = `${path.dirname(options.install.sqlToolPath)}:${process.env.PATH ?? ''}`;

  await timed('schema', () =>
    runScript(path.join(DEPLOY, 'setup-postgres-schema.sh'), options.workDir, 'schema', {
      PATH: toolPath,
      POSTGRES_SEEDS: postgres.host,
      DB_PORT: String(postgres.port),
      POSTGRES_USER: postgres.user,
      SQL_PASSWORD: postgres.password,
      DBNAME: databases.temporal,
      VISIBILITY_DBNAME: databases.visibility,
      BATON_DB: databases.baton,
      TEMPORAL_SCHEMA_ROOT: options.install.postgresSchemaDir,
    }),
  );

  // Temporal keeps its services' ports in a PostgreSQL smallint (cluster_membership.rpc_port), so
  // they must be below 32768, under Linux's ephemeral range where freePort() picks.
  const names = [
    'FRONTEND_GRPC_PORT',
    'FRONTEND_HTTP_PORT',
    'FRONTEND_MEMBERSHIP_PORT',
    'HISTORY_GRPC_PORT',
    'HISTORY_MEMBERSHIP_PORT',
    'MATCHING_GRPC_PORT',
    'MATCHING_MEMBERSHIP_PORT',
    'WORKER_GRPC_PORT',
    'WORKER_MEMBERSHIP_PORT',
  ] as const;
  const ports: Record<string, number> = {};
  for (const name of names) ports[name] = await freePortBelow(32_768, Object.values(ports));
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT!}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...readEnvFile(SERVER_ENV_FILE),
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    POSTGRES_SEEDS: postgres.host,
    DB_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    POSTGRES_PWD: postgres.password,
    DBNAME: databases.temporal,
    VISIBILITY_DBNAME: databases.visibility,
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
    LOG_LEVEL: 'warn',
  };
  const logFile = path.join(options.workDir, 'temporal-server.log');

  let child: ChildProcess | undefined;
  const start = async () => {
    const out = fs.openSync(logFile, 'a');
    child = spawn(options.install.serverPath, ['start'], {
      cwd: options.workDir,
      env,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const started = child;
    try {
      await waitForFrontend(address, 90_000, () => started.exitCode ?? started.signalCode ?? undefined);
    } catch (err) {
      started.kill('SIGKILL');
      throw new TemporalServerStartError(
        `The Temporal server did not start at ${address}: ${(err as Error).message}\n` +
          `Last lines of ${logFile}:\n${tail(logFile)}`,
      );
    }
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  await timed('server start', start);
  log(`Temporal server ${options.install.version} on PostgreSQL at ${address} (log: ${logFile})`);
  await timed('namespace and search attributes', () =>
    runScript(path.join(DEPLOY, 'register-search-attributes.sh'), options.workDir, 'setup', {
      PATH: `${path.dirname(options.cliPath)}:${process.env.PATH ?? ''}`,
      HOME: options.workDir,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: options.namespace,
    }),
  );
  await timed('namespace ready', () => waitForNamespace(address, options.namespace, 60_000));

  return {
    address,
    logFile,
    timings,
    async restart() {
      const stoppedAt = Date.now();
      await stop();
      await start();
      await waitForNamespace(address, options.namespace, 60_000);
      return { downMs: Date.now() - stoppedAt };
    },
    stop,
  };
}

/** Runs a deploy/ script with `sh` (as the admin-tools image does); its output goes to a log. */
async function runScript(
  script: string,
  workDir: string,
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  try {
    const { stdout, stderr } = await run('sh', [script], { env, cwd: workDir, timeout: 180_000 });
    fs.writeFileSync(path.join(workDir, `${name}.log`), stdout + stderr);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${path.relative(process.cwd(), script)} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}

async function waitForFrontend(
  address: string,
  timeoutMs: number,
  exited: () => number | string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = exited();
    if (code !== undefined) throw new Error(`the server exited (${code})`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs / 1000} s`);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until the frontend knows the namespace (a new one takes a moment to reach every service). */
async function waitForNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const connection = await Connection.connect({ address });
  try {
    for (;;) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`namespace ${namespace} not ready after ${timeoutMs / 1000} s: ${String(err)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.close();
  }
}

/** A port in [20000, limit) that nothing listens on now (and not one of `taken`). */
async function freePortBelow(limit: number, taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * (limit - 20_000));
    if (taken.includes(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`No free port below ${limit} after 100 tries.`);
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

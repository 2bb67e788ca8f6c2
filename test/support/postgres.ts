/**
 * A real, throwaway PostgreSQL server for the test run: installed from Debian's packages when the
 * server binaries are missing (scripts/ensure-postgres.sh), initialized in a temp directory,
 * listening on a free loopback port, and removed afterwards. Nothing is mocked.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { runInstallScript } from './install-script';
import { freePort } from '../../src/temporal/dev-server';

const run = promisify(execFile);

/** The superuser of the throwaway cluster; the tests connect as it, with a password. */
const SUPERUSER = 'baton';
const DATABASE = 'baton_test';

/** A running throwaway server. */
export interface TestPostgres {
  /** `postgres://baton:<password>@127.0.0.1:<port>/baton_test`. */
  url: string;
  port: number;
  /** Where the binaries came from (for the setup log). */
  binDir: string;
  /** Milliseconds from initdb to accepting connections. */
  startupMs: number;
  /** Stops the server and deletes its directory; idempotent. */
  stop(): Promise<void>;
  /** The same, synchronously, for process exit handlers. */
  stopSync(): void;
}

/**
 * The directory that holds `initdb`, `pg_ctl` and `postgres`, installing Debian's `postgresql`
 * package first when there is none (apt-get output is shown as it runs).
 *
 * @throws Error saying what to install when the binaries are missing and cannot be installed.
 */
export async function ensurePostgresBinaries(
  onProgress: (line: string) => void = () => undefined,
): Promise<{ binDir: string; installMs: number | undefined }> {
  const started = Date.now();
  const result = await runInstallScript('ensure-postgres.sh');
  const binDir = result.answer;
  if (result.code !== 0 || binDir === '') {
    throw new Error(
      `PostgreSQL server binaries are missing and could not be installed (scripts/ensure-postgres.sh exited with ${result.code}; its messages are above). ` +
        'Install them with `apt-get install postgresql` (as root), or set BATON_PG_BINDIR to the directory that holds initdb, pg_ctl and postgres.',
    );
  }
  const elapsed = Date.now() - started;
  // The script answers at once when nothing had to be installed.
  const installMs = elapsed > 2_000 ? elapsed : undefined;
  if (installMs !== undefined) onProgress(`Installed PostgreSQL in ${(installMs / 1000).toFixed(1)}s`);
  return { binDir, installMs };
}

interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The account that runs the server. PostgreSQL refuses to run as root, so as root we use the
 * `postgres` system user (Debian's package creates it), creating it if needed; as anyone else,
 * the current user.
 */
async function serverUser(): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (name: string) => {
    try {
      const uid = Number((await run('id', ['-u', name])).stdout.trim());
      const gid = Number((await run('id', ['-g', name])).stdout.trim());
      return { name, uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = await lookup('postgres');
  if (existing) return existing;
  await run('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    'postgres',
  ]);
  const created = await lookup('postgres');
  if (!created)
    throw new Error('Could not create the `postgres` system user to run the test PostgreSQL server.');
  return created;
}

/** Runs a PostgreSQL binary as the server user. */
async function runAs(user: ServerUser | undefined, command: string, args: string[]): Promise<string> {
  const [file, argv] = user ? ['runuser', ['-u', user.name, '--', command, ...args]] : [command, args];
  try {
    const { stdout, stderr } = await run(file, argv, { maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(command)} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/**
 * Initializes and starts a PostgreSQL server for this test run, with a password-protected
 * superuser and one database, and returns its URL.
 *
 * @throws Error with the server log when it does not start.
 */
export async function startTestPostgres(binDir: string): Promise<TestPostgres> {
  const started = Date.now();
  const user = await serverUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const passwordFile = path.join(dir, 'password');
  const password = randomBytes(12).toString('hex');
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  if (user) {
    fs.chownSync(dir, user.uid, user.gid);
    fs.chownSync(passwordFile, user.uid, user.gid);
  }
  const bin = (name: string) => path.join(binDir, name);

  // Sockets stay in our directory (not /var/run/postgresql, which may not exist or be writable);
  // host connections need the password, as in production. fsync is off: the data is thrown away.
  await runAs(user, bin('initdb'), [
    '-D',
    dataDir,
    '-U',
    SUPERUSER,
    `--pwfile=${passwordFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--no-locale',
    '--no-sync',
  ]);

  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    port = await freePort();
    try {
      await runAs(user, bin('pg_ctl'), [
        '-D',
        dataDir,
        '-l',
        logFile,
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
        'start',
      ]);
      lastError = undefined;
      break;
    } catch (error) {
      // Another process may have taken the port in the meantime: try a new one.
      lastError = error;
    }
  }
  if (lastError !== undefined) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '(no log)';
    fs.rmSync(dir, { recursive: true, force: true });
    const reason = lastError instanceof Error ? lastError.message : JSON.stringify(lastError);
    throw new Error(`The test PostgreSQL server did not start: ${reason}\nServer log:\n${log}`);
  }

  let stopped = false;
  const stopArgs = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    const [file, argv] = user
      ? ['runuser', ['-u', user.name, '--', bin('pg_ctl'), ...stopArgs]]
      : [bin('pg_ctl'), stopArgs];
    spawnSync(file, argv, { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await runAs(user, bin('pg_ctl'), stopArgs).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const admin = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}`;
  try {
    const client = new Client({ connectionString: `${admin}/postgres` });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `${admin}/${DATABASE}`,
    port,
    binDir,
    startupMs: Date.now() - started,
    stop,
    stopSync,
  };
}

/** `url` with its search_path set to `schema` (libpq's `options` parameter). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.href;
}
